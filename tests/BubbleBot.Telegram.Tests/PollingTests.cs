using BubbleBot.Core.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Telegram.Tests;

/// <summary>The real adapter and the real core over the repository's corpus, against a fake Bot API server.</summary>
public sealed class PollingTests : BotApiTest
{
    private const string CantParseEntities =
        """{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag \"outran\" at byte offset 11"}""";

    [Fact]
    public async Task Private_question_gets_an_html_reply_with_numbered_linked_sources()
    {
        BotHost = await TestHosts.StartPollingAsync(Api);
        Api.Deliver(Updates.Private(1, 10, "Will OpenAI run out of money?"));

        var reply = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));

        Assert.Equal(10, reply.ReplyTo);
        Assert.Equal("html", reply.Parameters["parse_mode"]!.GetValue<string>(), ignoreCase: true);
        Assert.True(reply.Parameters["link_preview_options"]!["is_disabled"]!.GetValue<bool>());
        var visible = TelegramHtml.AssertValid(reply.Text);
        Assert.Contains("[1]", visible);
        Assert.Contains("Sources", visible);
        Assert.True(TelegramHtml.Links(reply.Text).Count > 0, reply.Text);
        Assert.All(TelegramHtml.Links(reply.Text), link => Assert.StartsWith("https://", link));

        var calls = Api.Calls;
        var typing = Assert.Single(calls, c => c.Method == "sendChatAction" && c.ChatId == Updates.PrivateChat);
        Assert.Equal("typing", typing.Parameters["action"]!.GetValue<string>());
        Assert.True(typing.Sequence < reply.Sequence);
        Assert.True(calls.First(c => c.Method == "deleteWebhook").Sequence < calls.First(c => c.Method == "getUpdates").Sequence);
        Assert.All(calls, c => Assert.Equal(TestHosts.Token, c.Token));
    }

    [Fact]
    public async Task Group_answers_ask_mentions_and_replies_and_ignores_other_bots_commands()
    {
        BotHost = await TestHosts.StartPollingAsync(Api);
        var bot = "@" + FakeBotApi.BotUsername;
        Api.Deliver(
            Updates.Group(1, 101, "/ask@OtherBot is AI a bubble?"),
            Updates.Group(2, 102, "hello everyone"),
            Updates.Group(3, 103, $"/ask{bot} why do people call AI a bubble?"),
            Updates.Group(4, 104, $"{bot} will OpenAI run out of money?"),
            Updates.Group(5, 105, "and what about GPT-5?", replyTo: Updates.BotMessage(900)),
            Updates.Group(6, 106, "/ask is AI a bubble?"),
            Updates.Group(7, 107, "/ask I am another bot", fromBot: true),
            Updates.Group(8, 108, $"/help{bot}"));

        // One chat is handled in order, so once the /help reply is there every earlier update was decided.
        var replies = await Api.WaitForMessagesAsync(Updates.GroupChat, 5);

        Assert.Equal([103, 104, 105, 106, 108], replies.Select(r => r.ReplyTo!.Value));
        Assert.All(replies, r => TelegramHtml.AssertValid(r.Text));
        Assert.Contains("/ask" + bot, TelegramHtml.AssertValid(replies[^1].Text));
    }

    [Fact]
    public async Task Sides_command_answers_with_both_sides_with_or_without_a_topic()
    {
        BotHost = await TestHosts.StartPollingAsync(Api);
        var bot = "@" + FakeBotApi.BotUsername;
        Api.Deliver(
            Updates.Group(1, 201, $"/sides{bot}"),
            Updates.Group(2, 202, "/sides OpenAI"));

        var replies = await Api.WaitForMessagesAsync(Updates.GroupChat, 2);

        Assert.Equal([201, 202], replies.Select(r => r.ReplyTo!.Value));
        Assert.All(replies, r =>
        {
            var visible = TelegramHtml.AssertValid(r.Text);
            Assert.Contains(AnswerLabels.English.BubbleSide, visible);
            Assert.Contains(AnswerLabels.English.NotBubbleSide, visible);
        });
    }

    [Fact]
    public async Task A_reply_to_the_bots_answer_is_read_with_that_answers_conversation()
    {
        BotHost = await TestHosts.StartPollingAsync(Api);
        Api.Deliver(Updates.Group(1, 301, $"@{FakeBotApi.BotUsername} 马拉比认为OpenAI多久会耗尽资金？"));
        await Api.WaitForMessagesAsync(Updates.GroupChat, 1);

        // A reply to the answer, without a mention, that on its own asks nothing the articles could answer.
        Api.Deliver(Updates.Group(2, 302, "为什么？", replyTo: Updates.BotMessage(Api.LastSentMessageId)));
        var replies = await Api.WaitForMessagesAsync(Updates.GroupChat, 2);

        Assert.Equal(302, replies[^1].ReplyTo);
        Assert.Contains("18 个月", TelegramHtml.AssertValid(replies[^1].Text));
    }

    [Fact]
    public async Task Hostile_text_from_the_user_and_the_corpus_is_escaped()
    {
        const string hostile = "<b>x</b> & y <script>alert(1)</script>";
        const string url = "https://example.org/a?x=1&y=\"2\"#:~:text=<b>";
        BotHost = await TestHosts.StartPollingAsync(Api, services: TestHosts.Answers((request, _) => Task.FromResult(new Answer(
            request.Question,
            $"{hostile} [1] [2]",
            false,
            [
                new Citation(1, "a", "A \"quoted\" <title> & more", url, "q", "<Eve> & co", "2025-01-01", url),
                new Citation(2, "b", "Offline </a> post", null, "q", "Anon", null, null),
            ],
            AnswerLanguage.English))));

        Api.Deliver(Updates.Private(1, 10, hostile));
        var reply = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));

        var visible = TelegramHtml.AssertValid(reply.Text);
        Assert.Contains(hostile, visible);
        Assert.Contains("[1] A \"quoted\" <title> & more — <Eve> & co, 2025-01-01", visible);
        Assert.Contains("[2] Offline </a> post — Anon (no public link)", visible);
        Assert.Equal([url], TelegramHtml.Links(reply.Text));
    }

    [Fact]
    public async Task Hostile_question_through_the_real_core_still_gives_valid_html()
    {
        BotHost = await TestHosts.StartPollingAsync(Api);
        Api.Deliver(Updates.Private(1, 10, "<b>x</b> & y <script> is the AI bubble about to burst?"));

        var reply = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));

        TelegramHtml.AssertValid(reply.Text);
    }

    [Fact]
    public async Task Over_long_answer_arrives_in_several_valid_messages_within_the_limit()
    {
        var sentences = Enumerable.Range(1, 220).Select(i => $"Sentence {i} says <valuations> & \"hype\" outran revenue 📈 again.").ToList();
        var text = string.Join(' ', sentences) + " [1]";
        BotHost = await TestHosts.StartPollingAsync(Api, services: TestHosts.Answers((request, _) => Task.FromResult(new Answer(
            request.Question, text, false,
            [new Citation(1, "a", "A long read", "https://example.org/a", "q", "Author", "2025-01-01", "https://example.org/a")],
            AnswerLanguage.English))));

        Api.Deliver(Updates.Private(1, 10, "Tell me everything"));
        // The parts go out one after the other and the sources list comes last.
        await Api.WaitUntilAsync(calls => calls.Any(c => c.Method == "sendMessage" && c.Text.Contains("A long read", StringComparison.Ordinal)), "the part with the sources");
        var parts = Api.CallsOf("sendMessage");

        Assert.True(parts.Count >= 3, $"{parts.Count} parts");
        Assert.All(parts, p => Assert.InRange(p.Text.Length, 1, 4096));
        Assert.All(parts, p => Assert.Equal(10, p.ReplyTo));
        var visible = string.Join(' ', parts.Select(p => TelegramHtml.AssertValid(p.Text)));
        Assert.All(sentences, s => Assert.Contains(s, visible));
        Assert.Contains("[1] A long read", visible);
    }

    [Fact]
    public async Task Offset_moves_past_accepted_updates_while_an_answer_is_in_flight_and_a_repeated_update_is_answered_once()
    {
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        BotHost = await TestHosts.StartPollingAsync(Api, services: TestHosts.Answers(async (request, ct) =>
        {
            if (request.Question.Contains("slow", StringComparison.Ordinal))
            {
                slowStarted.TrySetResult();
                await release.Task.WaitAsync(ct);
            }

            return new Answer(request.Question, "Answer to " + request.Question, false, [], AnswerLanguage.English);
        }));

        // The slow update twice in one batch, then two other chats.
        const long otherChat = 5151;
        const long thirdChat = 6161;
        var slow = Updates.Private(20, 10, "a slow question");
        Api.Deliver(
            slow,
            slow.DeepClone().AsObject(),
            Updates.Private(21, 11, "a quick question", chatId: otherChat),
            Updates.Private(22, 12, "another quick question", chatId: thirdChat));

        // The other chats are answered while the slow one is still in flight, and the offset already confirms all
        // four (accepted is acknowledged), so a slow chat never holds back what comes after it.
        Assert.Single(await Api.WaitForMessagesAsync(otherChat, 1));
        Assert.Single(await Api.WaitForMessagesAsync(thirdChat, 1));
        await slowStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 23), "offset 23 while the slow answer is in flight");
        Assert.DoesNotContain(Api.CallsOf("sendMessage"), c => c.ChatId == Updates.PrivateChat);

        release.SetResult();
        var answered = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        Assert.Equal(10, answered.ReplyTo);
        Assert.Equal(3, Api.CallsOf("sendMessage").Count);
    }

    [Fact]
    public async Task A_stuck_chat_holds_back_no_other_chat_even_beyond_its_batch_and_its_own_next_update_waits_its_turn()
    {
        var clock = new SignalingTimeProvider();
        var answers = new StuckAnswers();
        BotHost = await TestHosts.StartPollingAsync(
            Api,
            settings => settings["Telegram:PollingLimit"] = "2",
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                answers.Register(services);
            });

        // Limit 2: the stuck update and one of another chat come first; the rest only in later polls.
        const long otherChat = 5151;
        const long thirdChat = 6161;
        Api.Deliver(
            Updates.Private(20, 10, "a stuck question"),
            Updates.Private(21, 11, "a quick question", chatId: otherChat),
            Updates.Private(22, 12, "a later question", chatId: otherChat),
            Updates.Private(23, 13, "a question from a third chat", chatId: thirdChat),
            Updates.Private(24, 14, "the first chat's next question"));

        // Everything of the other chats is fetched and answered while the stuck answer still hangs.
        var later = await Api.WaitForMessagesAsync(otherChat, 2);
        Assert.Equal([11, 12], later.Select(m => m.ReplyTo!.Value));
        Assert.Equal(13, Assert.Single(await Api.WaitForMessagesAsync(thirdChat, 1)).ReplyTo);
        var token = await answers.Stuck.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 25), "offset 25 with the stuck answer in flight");
        Assert.All(Api.CallsOf("getUpdates"), c => Assert.Equal(2, c.Parameters["limit"]!.GetValue<int>()));

        // The stuck chat's own next update waits for its turn (one chat in order) until the stuck one is given up. Its reply
        // is an answer or the "busy" notice, depending on whether the same user's other questions were done when it
        // arrived; its text does not contain "stuck", so either way it is sent once its turn comes.
        Assert.DoesNotContain(Api.CallsOf("sendMessage"), c => c.ChatId == Updates.PrivateChat);
        await clock.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(120));
        var next = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        Assert.Equal(14, next.ReplyTo);
        Assert.True(token.IsCancellationRequested);
        answers.Release();
    }

    [Fact]
    public async Task Commands_go_through_the_flood_guard_and_a_flooding_chat_does_not_delay_another_chats_answer()
    {
        BotHost = await TestHosts.StartPollingAsync(Api, settings => settings["RateLimit:PerUserPerMinute"] = "6");
        var flood = Enumerable.Range(0, 200).Select(i => Updates.Private(100 + i, 1000 + i, "/help")).ToList();
        flood.Add(Updates.Private(400, 2000, "Will OpenAI run out of money?", chatId: 5151, userId: 777));
        Api.Deliver([.. flood]);

        Assert.Single(await Api.WaitForMessagesAsync(5151, 1));
        await Api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 401), "offset past the flood");
        await BotHost.StopAsync();

        // Six /help answered, one rate-limit notice, then silence for the rest of the minute.
        var toFlooder = Api.CallsOf("sendMessage").Where(c => c.ChatId == Updates.PrivateChat).ToList();
        Assert.Equal(7, toFlooder.Count);
        Assert.Contains("faster than I can keep up", toFlooder[^1].Text);
    }

    [Fact]
    public async Task A_failing_answer_gets_a_logged_apology_in_the_askers_script_and_the_loop_goes_on()
    {
        BotHost = await TestHosts.StartPollingAsync(Api, services: services =>
        {
            services.AddFakeLogging();
            TestHosts.Answers((request, _) =>
                request.Question.Contains("boom", StringComparison.Ordinal)
                    ? throw new InvalidOperationException("boom")
                    : Task.FromResult(new Answer(request.Question, "fine", false, [], AnswerLanguage.English)))(services);
        });

        Api.Deliver(
            Updates.Private(1, 10, "boom"),
            Updates.Private(2, 11, "這個泡沫會破裂嗎 boom"),
            Updates.Private(3, 12, "next"));
        var replies = await Api.WaitForMessagesAsync(Updates.PrivateChat, 3);
        await Api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 4), "offset past the failed updates");

        Assert.Equal([10, 11, 12], replies.Select(r => r.ReplyTo!.Value));
        var english = TelegramHtml.AssertValid(replies[0].Text);
        Assert.StartsWith("Sorry, something went wrong while answering", english);
        Assert.Contains("抱歉，回答时出错了", english);
        Assert.Contains("抱歉，回答時出錯了", TelegramHtml.AssertValid(replies[1].Text));
        Assert.Contains("fine", replies[2].Text);

        // The apology follows the typing indicator, and each failure is logged as an error with its exception.
        Assert.True(Api.Calls.First(c => c.Method == "sendChatAction").Sequence < replies[0].Sequence);
        var failures = BotHost.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 2018).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, r => Assert.Equal(LogLevel.Error, r.Level));
        Assert.All(failures, r => Assert.Equal("boom", r.Exception?.Message));
    }

    [Fact]
    public async Task Html_that_Telegram_cannot_parse_is_sent_again_once_as_plain_text()
    {
        Api.FailNext("sendMessage", 400, CantParseEntities);
        BotHost = await TestHosts.StartPollingAsync(Api, services: TestHosts.Answers((request, _) => Task.FromResult(new Answer(
            request.Question,
            "Valuations <outran> revenue & \"hype\" [1]",
            false,
            [new Citation(1, "a", "A & B", "https://example.org/a?x=1&y=2", "q", "Author", "2025-01-01", "https://example.org/a?x=1&y=2")],
            AnswerLanguage.English))));

        Api.Deliver(Updates.Private(1, 10, "Is AI a bubble?"));
        var attempts = await Api.WaitForMessagesAsync(Updates.PrivateChat, 2);

        Assert.Equal("html", attempts[0].ParseMode, ignoreCase: true);
        Assert.Null(attempts[1].ParseMode);
        Assert.Equal(TelegramHtml.AssertValid(attempts[0].Text), attempts[1].Text);
        Assert.Contains("Valuations <outran> revenue & \"hype\" [1]", attempts[1].Text);
        Assert.Contains("[1] A & B — Author, 2025-01-01", attempts[1].Text);
        Assert.DoesNotContain("<a ", attempts[1].Text);
        Assert.Equal(10, attempts[1].ReplyTo);
        Assert.True(attempts[1].Parameters["link_preview_options"]!["is_disabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_plain_text_resend_that_fails_too_is_not_tried_again()
    {
        Api.FailNext("sendMessage", 400, CantParseEntities);
        Api.FailNext("sendMessage", 400, CantParseEntities);
        BotHost = await TestHosts.StartPollingAsync(Api, services: TestHosts.Answers((request, _) =>
            Task.FromResult(new Answer(request.Question, "Answer to " + request.Question, false, [], AnswerLanguage.English))));

        Api.Deliver(Updates.Private(1, 10, "first"), Updates.Private(2, 11, "second"));

        // One chat is handled in order: a third attempt for message 10 would come before the reply to 11.
        var sends = await Api.WaitForMessagesAsync(Updates.PrivateChat, 3);
        Assert.Equal([10, 10, 11], sends.Take(3).Select(s => s.ReplyTo!.Value));
        Assert.Equal("html", sends[2].ParseMode, ignoreCase: true);
    }

    [Fact]
    public async Task Shutdown_waits_for_answers_in_flight()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await TestHosts.StartPollingAsync(Api, services: TestHosts.Answers(async (request, ct) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            return new Answer(request.Question, "late but complete", false, [], AnswerLanguage.English);
        }));
        Api.Deliver(Updates.Private(1, 10, "question"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var stopping = host.StopAsync();
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
        host.Dispose();

        var reply = Assert.Single(Api.CallsOf("sendMessage"));
        Assert.Contains("late but complete", reply.Text);

        // The handled update is confirmed before exit, so a restart does not answer it again.
        Assert.Equal(2, Api.CallsOf("getUpdates")[^1].Offset);
    }
}
