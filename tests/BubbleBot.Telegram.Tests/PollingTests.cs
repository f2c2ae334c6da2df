using BubbleBot.Core.Answering;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BubbleBot.Telegram.Tests;

/// <summary>The real adapter and the real core over the repository's corpus, against a fake Bot API server.</summary>
public sealed class PollingTests : IAsyncLifetime
{
    private FakeBotApi _api = null!;
    private IHost? _host;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Private_question_gets_an_html_reply_with_numbered_linked_sources()
    {
        _host = await TestHosts.StartPollingAsync(_api);
        _api.Deliver(Updates.Private(1, 10, "Will OpenAI run out of money?"));

        var reply = Assert.Single(await _api.WaitForMessagesAsync(Updates.PrivateChat, 1));

        Assert.Equal(10, reply.ReplyTo);
        Assert.Equal("html", reply.Parameters["parse_mode"]!.GetValue<string>(), ignoreCase: true);
        Assert.True(reply.Parameters["link_preview_options"]!["is_disabled"]!.GetValue<bool>());
        var visible = TelegramHtml.AssertValid(reply.Text);
        Assert.Contains("[1]", visible);
        Assert.Contains("Sources", visible);
        Assert.True(TelegramHtml.Links(reply.Text).Count > 0, reply.Text);
        Assert.All(TelegramHtml.Links(reply.Text), link => Assert.StartsWith("https://", link));

        var calls = _api.Calls;
        var typing = Assert.Single(calls, c => c.Method == "sendChatAction" && c.ChatId == Updates.PrivateChat);
        Assert.Equal("typing", typing.Parameters["action"]!.GetValue<string>());
        Assert.True(typing.Sequence < reply.Sequence);
        Assert.True(calls.First(c => c.Method == "deleteWebhook").Sequence < calls.First(c => c.Method == "getUpdates").Sequence);
        Assert.All(calls, c => Assert.Equal(TestHosts.Token, c.Token));
    }

    [Fact]
    public async Task Group_answers_ask_mentions_and_replies_and_ignores_other_bots_commands()
    {
        _host = await TestHosts.StartPollingAsync(_api);
        var bot = "@" + FakeBotApi.BotUsername;
        _api.Deliver(
            Updates.Group(1, 101, "/ask@OtherBot is AI a bubble?"),
            Updates.Group(2, 102, "hello everyone"),
            Updates.Group(3, 103, $"/ask{bot} why do people call AI a bubble?"),
            Updates.Group(4, 104, $"{bot} will OpenAI run out of money?"),
            Updates.Group(5, 105, "and what about GPT-5?", replyTo: Updates.BotMessage(900)),
            Updates.Group(6, 106, "/ask is AI a bubble?"),
            Updates.Group(7, 107, "/ask I am another bot", fromBot: true),
            Updates.Group(8, 108, $"/help{bot}"));

        // One chat is handled in order, so once the /help reply is there every earlier update was decided.
        var replies = await _api.WaitForMessagesAsync(Updates.GroupChat, 5);

        Assert.Equal([103, 104, 105, 106, 108], replies.Select(r => r.ReplyTo!.Value));
        Assert.All(replies, r => TelegramHtml.AssertValid(r.Text));
        Assert.Contains("/ask" + bot, TelegramHtml.AssertValid(replies[^1].Text));
    }

    [Fact]
    public async Task Hostile_text_from_the_user_and_the_corpus_is_escaped()
    {
        const string hostile = "<b>x</b> & y <script>alert(1)</script>";
        const string url = "https://example.org/a?x=1&y=\"2\"#:~:text=<b>";
        _host = await TestHosts.StartPollingAsync(_api, services: TestHosts.Answers((request, _) => Task.FromResult(new Answer(
            request.Question,
            $"{hostile} [1] [2]",
            false,
            [
                new Citation(1, "a", "A \"quoted\" <title> & more", url, "q", "<Eve> & co", "2025-01-01", url),
                new Citation(2, "b", "Offline </a> post", null, "q", "Anon", null, null),
            ],
            AnswerLanguage.English))));

        _api.Deliver(Updates.Private(1, 10, hostile));
        var reply = Assert.Single(await _api.WaitForMessagesAsync(Updates.PrivateChat, 1));

        var visible = TelegramHtml.AssertValid(reply.Text);
        Assert.Contains(hostile, visible);
        Assert.Contains("[1] A \"quoted\" <title> & more — <Eve> & co, 2025-01-01", visible);
        Assert.Contains("[2] Offline </a> post — Anon (no public link)", visible);
        Assert.Equal([url], TelegramHtml.Links(reply.Text));
    }

    [Fact]
    public async Task Hostile_question_through_the_real_core_still_gives_valid_html()
    {
        _host = await TestHosts.StartPollingAsync(_api);
        _api.Deliver(Updates.Private(1, 10, "<b>x</b> & y <script> is the AI bubble about to burst?"));

        var reply = Assert.Single(await _api.WaitForMessagesAsync(Updates.PrivateChat, 1));

        TelegramHtml.AssertValid(reply.Text);
    }

    [Fact]
    public async Task Over_long_answer_arrives_in_several_valid_messages_within_the_limit()
    {
        var sentences = Enumerable.Range(1, 220).Select(i => $"Sentence {i} says <valuations> & \"hype\" outran revenue 📈 again.").ToList();
        var text = string.Join(' ', sentences) + " [1]";
        _host = await TestHosts.StartPollingAsync(_api, services: TestHosts.Answers((request, _) => Task.FromResult(new Answer(
            request.Question, text, false,
            [new Citation(1, "a", "A long read", "https://example.org/a", "q", "Author", "2025-01-01", "https://example.org/a")],
            AnswerLanguage.English))));

        _api.Deliver(Updates.Private(1, 10, "Tell me everything"));
        await _api.WaitForMessagesAsync(Updates.PrivateChat, 3);
        await _api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 2), "offset past the answered update");
        var parts = _api.CallsOf("sendMessage");

        Assert.True(parts.Count >= 3, $"{parts.Count} parts");
        Assert.All(parts, p => Assert.InRange(p.Text.Length, 1, 4096));
        Assert.All(parts, p => Assert.Equal(10, p.ReplyTo));
        var visible = string.Join(' ', parts.Select(p => TelegramHtml.AssertValid(p.Text)));
        Assert.All(sentences, s => Assert.Contains(s, visible));
        Assert.Contains("[1] A long read", visible);
    }

    [Fact]
    public async Task Offset_confirms_only_handled_updates_and_a_repeated_update_is_answered_once()
    {
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host = await TestHosts.StartPollingAsync(_api, services: TestHosts.Answers(async (request, ct) =>
        {
            if (request.Question.Contains("slow", StringComparison.Ordinal))
            {
                slowStarted.TrySetResult();
                await release.Task.WaitAsync(ct);
            }

            return new Answer(request.Question, "Answer to " + request.Question, false, [], AnswerLanguage.English);
        }));

        const long otherChat = 5151;
        var slow = Updates.Private(20, 10, "a slow question");
        _api.Deliver(slow, slow.DeepClone().AsObject(), Updates.Private(21, 11, "a quick question", chatId: otherChat));

        // The other chat is answered while the slow one is still in flight...
        var quick = Assert.Single(await _api.WaitForMessagesAsync(otherChat, 1));
        await slowStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // ...and the offset stays at the unfinished update, so Telegram delivers it again: it is not answered twice.
        await _api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Sequence > quick.Sequence && c.Offset == 20), "a poll holding offset 20");
        Assert.DoesNotContain(_api.CallsOf("getUpdates"), c => c.Offset > 20);

        release.SetResult();
        await _api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 22), "offset 22 after both were handled");

        Assert.Single(_api.CallsOf("sendMessage"), c => c.ChatId == Updates.PrivateChat);
        Assert.Single(_api.CallsOf("sendMessage"), c => c.ChatId == otherChat);
        Assert.Equal(10, _api.CallsOf("sendMessage").Single(c => c.ChatId == Updates.PrivateChat).ReplyTo);
    }

    [Fact]
    public async Task One_failing_update_is_skipped_and_the_loop_goes_on()
    {
        _host = await TestHosts.StartPollingAsync(_api, services: TestHosts.Answers((request, _) =>
            request.Question.Contains("boom", StringComparison.Ordinal)
                ? throw new InvalidOperationException("boom")
                : Task.FromResult(new Answer(request.Question, "fine", false, [], AnswerLanguage.English))));

        _api.Deliver(Updates.Private(1, 10, "boom"), Updates.Private(2, 11, "next"));
        var reply = Assert.Single(await _api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        await _api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 3), "offset past the failed update");

        Assert.Equal(11, reply.ReplyTo);
    }

    [Fact]
    public async Task Shutdown_waits_for_answers_in_flight()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await TestHosts.StartPollingAsync(_api, services: TestHosts.Answers(async (request, ct) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            return new Answer(request.Question, "late but complete", false, [], AnswerLanguage.English);
        }));
        _api.Deliver(Updates.Private(1, 10, "question"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var stopping = host.StopAsync();
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
        host.Dispose();

        var reply = Assert.Single(_api.CallsOf("sendMessage"));
        Assert.Contains("late but complete", reply.Text);

        // The handled update is confirmed before exit, so a restart does not answer it again.
        Assert.Equal(2, _api.CallsOf("getUpdates")[^1].Offset);
    }
}
