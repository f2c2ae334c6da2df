using System.Text.Json.Nodes;
using BubbleBot.Core.Feedback;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Telegram.Tests;

/// <summary>Votes under answers, stored in a real SQLite file, and the operator's report of a run.</summary>
public sealed class FeedbackTests : BotApiTest, IDisposable
{
    private const long OtherUser = 777;
    private readonly string _dataPath = Directory.CreateTempSubdirectory("bubblebot-tg-feedback-").FullName;

    void IDisposable.Dispose() => Directory.Delete(_dataPath, recursive: true);

    [Fact]
    public async Task A_vote_is_stored_once_per_user_changeable_and_shown_on_the_buttons()
    {
        BotHost = await StartAsync();
        Api.Deliver(Updates.Private(1, 10, "Will OpenAI run out of money?"));
        var answer = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        var buttons = Buttons(answer.Parameters["reply_markup"]!);
        Assert.Equal(["👍", "👎"], buttons.Select(b => b.Text));
        var (up, down) = (buttons[0].Data, buttons[1].Data);
        var answerMessageId = 5001;

        Api.Deliver(Updates.Callback(2, answerMessageId, down));
        var firstEdit = await WaitForEditsAsync(1);
        Assert.Equal(["👍 0", "👎 1"], Buttons(firstEdit.Parameters["reply_markup"]!).Select(b => b.Text));
        Assert.Equal(answerMessageId, firstEdit.Parameters["message_id"]!.GetValue<int>());

        // The same vote again changes nothing (answered, no edit); a changed vote and another user's vote do.
        Api.Deliver(Updates.Callback(3, answerMessageId, down));
        await Api.WaitUntilAsync(calls => calls.Count(c => c.Method == "answerCallbackQuery") >= 2, "two answerCallbackQuery");
        Api.Deliver(Updates.Callback(4, answerMessageId, up));
        var secondEdit = await WaitForEditsAsync(2);
        Api.Deliver(Updates.Callback(5, answerMessageId, down, userId: OtherUser));
        var thirdEdit = await WaitForEditsAsync(3);

        Assert.Equal(["👍 1", "👎 0"], Buttons(secondEdit.Parameters["reply_markup"]!).Select(b => b.Text));
        Assert.Equal(["👍 1", "👎 1"], Buttons(thirdEdit.Parameters["reply_markup"]!).Select(b => b.Text));
        Assert.Equal(["cq-2", "cq-3", "cq-4", "cq-5"], Api.CallsOf("answerCallbackQuery").Select(c => c.Parameters["callback_query_id"]!.GetValue<string>()));
        Assert.Equal(3, Api.CallsOf("editMessageReplyMarkup").Count);

        var data = await StoredAsync();
        var votes = data.Votes.OrderBy(v => v.At).ToList();
        Assert.Equal(2, votes.Count);
        Assert.Equal(1, votes.Single(v => v.UserHash == FeedbackUser.Hash($"telegram:{Updates.UserId}")).Value);
        Assert.Equal(-1, votes.Single(v => v.UserHash == FeedbackUser.Hash($"telegram:{OtherUser}")).Value);
    }

    [Fact]
    public async Task The_report_of_a_run_lists_the_refused_question_and_the_down_voted_answer()
    {
        BotHost = await StartAsync();
        Api.Deliver(Updates.Private(1, 10, "What is a good recipe for pancakes?"));
        var refusal = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        Assert.Null(refusal.Parameters["reply_markup"]);

        Api.Deliver(Updates.Private(2, 11, "Will OpenAI run out of money?"));
        var answer = (await Api.WaitForMessagesAsync(Updates.PrivateChat, 2))[1];
        Api.Deliver(Updates.Callback(3, 5002, Buttons(answer.Parameters["reply_markup"]!)[1].Data));
        await WaitForEditsAsync(1);
        await BotHost.Services.GetRequiredService<FeedbackRecorder>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var report = await BotHost.Services.GetRequiredService<FeedbackReporter>().ReportAsync(TimeSpan.FromDays(7), CancellationToken.None);

        Assert.Equal(2, report.Questions);
        Assert.Equal("What is a good recipe for pancakes?", Assert.Single(report.Refused).Example);
        var down = Assert.Single(report.DownVoted);
        Assert.Equal("Will OpenAI run out of money?", down.Question);
        Assert.NotEmpty(down.Quotes);
    }

    [Fact]
    public async Task A_locked_feedback_database_never_stops_answers_or_votes()
    {
        // Another process holds the database's write lock for the whole run.
        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dataPath, FeedbackOptions.FileName)};Pooling=False");
        await holder.OpenAsync();
        await using (var exclusive = holder.CreateCommand())
        {
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync();
        }

        BotHost = await StartAsync();
        Api.Deliver(Updates.Private(1, 10, "Will OpenAI run out of money?"), Updates.Private(2, 11, "What is a good recipe for pancakes?"));
        var replies = await Api.WaitForMessagesAsync(Updates.PrivateChat, 2);
        Api.Deliver(Updates.Callback(3, 5001, Buttons(replies[0].Parameters["reply_markup"]!)[0].Data));
        var edit = await WaitForEditsAsync(1);

        Assert.Equal([10, 11], replies.Select(r => r.ReplyTo!.Value));
        Assert.Equal(["👍 1", "👎 0"], Buttons(edit.Parameters["reply_markup"]!).Select(b => b.Text));
    }

    [Fact]
    public async Task Made_up_callback_data_is_ignored()
    {
        BotHost = await StartAsync();
        Api.Deliver(Updates.Callback(1, 5001, "v:not-an-answer:+"), Updates.Private(2, 10, "/help"));

        await Api.WaitForMessagesAsync(Updates.PrivateChat, 1);
        Assert.Empty(Api.CallsOf("answerCallbackQuery"));
        Assert.Empty(Api.CallsOf("editMessageReplyMarkup"));
    }

    [Fact]
    public async Task Report_answers_an_admin_in_private_and_ignores_everyone_else()
    {
        const long Stranger = 5555;
        BotHost = await StartAsync();
        Api.Deliver(
            Updates.Private(1, 10, "What is a good recipe for pancakes?"),
            Updates.Private(2, 11, "/report"),
            Updates.Private(3, 20, "/report", chatId: Stranger, userId: Stranger),
            Updates.Private(4, 21, "/help", chatId: Stranger, userId: Stranger),
            Updates.Group(5, 30, "/report"),
            Updates.Group(6, 31, "/help"));

        var admin = await Api.WaitForMessagesAsync(Updates.PrivateChat, 2);
        var stranger = await Api.WaitForMessagesAsync(Stranger, 1);
        var group = await Api.WaitForMessagesAsync(Updates.GroupChat, 1);

        Assert.Equal(11, admin[1].ReplyTo);
        var report = TelegramHtml.AssertValid(admin[1].Text);
        Assert.Contains("Feedback report", report, StringComparison.Ordinal);
        Assert.Contains("What is a good recipe for pancakes?", report, StringComparison.Ordinal);
        Assert.Equal(21, Assert.Single(stranger).ReplyTo);
        Assert.Equal(31, Assert.Single(group).ReplyTo);
        Assert.DoesNotContain(Api.CallsOf("sendMessage"), c => c.Text.Contains("Feedback report", StringComparison.Ordinal) && c.ChatId != Updates.PrivateChat);
    }

    [Fact]
    public async Task The_command_menu_is_registered_in_english_and_chinese_with_report_only_for_admins()
    {
        BotHost = await StartAsync();

        var calls = (await Api.WaitUntilAsync(calls => calls.Count(c => c.Method == "setMyCommands") >= 4, "four setMyCommands"))
            .Where(c => c.Method == "setMyCommands").ToList();

        List<string> Names(ApiCall call) => [.. call.Parameters["commands"]!.AsArray().Select(c => c!["command"]!.GetValue<string>())];
        string? Language(ApiCall call) => call.Parameters["language_code"]?.GetValue<string>();
        var everyone = calls.Where(c => c.Parameters["scope"]?["type"]?.GetValue<string>() is null or "default").ToList();
        var admins = calls.Where(c => c.Parameters["scope"]?["type"]?.GetValue<string>() == "chat").ToList();

        Assert.Equal([null, "zh"], everyone.Select(Language).Order());
        Assert.All(everyone, c => Assert.Equal(["ask", "sides", "sources", "help"], Names(c)));
        Assert.Equal([null, "zh"], admins.Select(Language).Order());
        Assert.All(admins, c => Assert.Equal(Updates.UserId, c.Parameters["scope"]!["chat_id"]!.GetValue<long>()));
        Assert.All(admins, c => Assert.Contains("report", Names(c)));
        Assert.Contains("提", everyone.Single(c => Language(c) == "zh").Parameters["commands"]![0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private Task<Microsoft.Extensions.Hosting.IHost> StartAsync() =>
        TestHosts.StartPollingAsync(Api, settings =>
        {
            settings["Storage:DataPath"] = _dataPath;
            settings["Telegram:AdminUserIds:0"] = Updates.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });

    private async Task<ApiCall> WaitForEditsAsync(int count) =>
        (await Api.WaitUntilAsync(calls => calls.Count(c => c.Method == "editMessageReplyMarkup") >= count, $"{count} editMessageReplyMarkup"))
            .Where(c => c.Method == "editMessageReplyMarkup").ElementAt(count - 1);

    private async Task<FeedbackData> StoredAsync()
    {
        await BotHost!.Services.GetRequiredService<FeedbackRecorder>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var store = new SqliteFeedbackStore(Path.Combine(_dataPath, FeedbackOptions.FileName));
        return await store.ReadAsync(DateTimeOffset.UnixEpoch, CancellationToken.None);
    }

    private static List<(string Text, string Data)> Buttons(JsonNode markup) =>
        [.. markup["inline_keyboard"]!.AsArray().SelectMany(row => row!.AsArray()).Select(b => (b!["text"]!.GetValue<string>(), b["callback_data"]!.GetValue<string>()))];
}
