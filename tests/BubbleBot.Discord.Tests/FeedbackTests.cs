using System.Text.Json;
using BubbleBot.Core.Feedback;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Discord.Tests;

/// <summary>Vote buttons on answers, answered as component interactions, stored in a real SQLite file.</summary>
public sealed class FeedbackTests : IDisposable
{
    private const string OtherUser = "201";
    private readonly string _dataPath = Directory.CreateTempSubdirectory("bubblebot-dc-feedback-").FullName;

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);

    [Fact]
    public async Task A_vote_is_stored_once_per_user_changeable_and_shown_on_the_buttons()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Storage:DataPath"] = _dataPath });
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("504", "<@100> Will OpenAI run out of money?"));
        var reply = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        var buttons = Buttons(reply.Body!.Value);
        Assert.Equal(["👍", "👎"], buttons.Select(b => b.Label));
        var (up, down) = (buttons[0].CustomId, buttons[1].CustomId);

        await connection.SendDispatchAsync("INTERACTION_CREATE", 3, Press("901", down, FakeIds.User));
        var first = await NextCallbackAsync(bot, "901");
        await connection.SendDispatchAsync("INTERACTION_CREATE", 4, Press("902", down, FakeIds.User));
        var again = await NextCallbackAsync(bot, "902");
        await connection.SendDispatchAsync("INTERACTION_CREATE", 5, Press("903", up, FakeIds.User));
        var changed = await NextCallbackAsync(bot, "903");
        await connection.SendDispatchAsync("INTERACTION_CREATE", 6, Press("904", down, OtherUser));
        var other = await NextCallbackAsync(bot, "904");

        Assert.Equal(7, first.GetProperty("type").GetInt32());
        Assert.Equal(["👍 0", "👎 1"], Buttons(first.GetProperty("data")).Select(b => b.Label));
        Assert.Equal(6, again.GetProperty("type").GetInt32());
        Assert.Equal(["👍 1", "👎 0"], Buttons(changed.GetProperty("data")).Select(b => b.Label));
        Assert.Equal(["👍 1", "👎 1"], Buttons(other.GetProperty("data")).Select(b => b.Label));
        Assert.Empty(first.GetProperty("data").GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());

        await bot.Host.Services.GetRequiredService<FeedbackRecorder>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var data = await new SqliteFeedbackStore(Path.Combine(_dataPath, FeedbackOptions.FileName)).ReadAsync(DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.Equal("Will OpenAI run out of money?", Assert.Single(data.Questions).Text);
        Assert.Equal(2, data.Votes.Count);
        Assert.Equal(1, data.Votes.Single(v => v.UserHash == FeedbackUser.Hash("discord:" + FakeIds.User)).Value);
        Assert.Equal(-1, data.Votes.Single(v => v.UserHash == FeedbackUser.Hash("discord:" + OtherUser)).Value);
    }

    [Fact]
    public async Task Ask_answer_carries_the_vote_buttons_and_a_refusal_does_not()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Storage:DataPath"] = _dataPath });
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("505", "<@100> What is a good recipe for pancakes?"));
        var refusal = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        await connection.SendDispatchAsync("INTERACTION_CREATE", 3, new
        {
            id = "600", application_id = FakeIds.Application, type = 2, token = "interaction-token", channel_id = FakeIds.Channel,
            guild_id = FakeIds.Guild, locale = "en-US", member = new { user = new { id = FakeIds.User, username = "someone" } },
            data = new { id = "800", name = "ask", type = 1, options = new[] { new { name = "question", type = 3, value = "Will OpenAI run out of money?" } } },
        });
        var edit = await bot.Discord.NextRequestAsync("PATCH", "/webhooks/");

        Assert.False(refusal.Body!.Value.TryGetProperty("components", out _));
        Assert.Equal(2, Buttons(edit.Body!.Value).Count);
    }

    [Fact]
    public async Task Report_answers_an_admin_privately_and_gives_anyone_else_only_the_usage_text()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = _dataPath,
            ["Discord:AdminUserIds:0"] = FakeIds.User,
        });
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("505", "<@100> What is a good recipe for pancakes?"));
        await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");

        await connection.SendDispatchAsync("INTERACTION_CREATE", 3, Command("610", "report", OtherUser));
        var refused = await NextCallbackAsync(bot, "610");
        await connection.SendDispatchAsync("INTERACTION_CREATE", 4, Command("611", "report", FakeIds.User));
        var deferred = await NextCallbackAsync(bot, "611");
        var report = await bot.Discord.NextRequestAsync("PATCH", $"/webhooks/{FakeIds.Application}/token-611/messages/@original");

        Assert.Equal(4, refused.GetProperty("type").GetInt32());
        Assert.Equal(64, refused.GetProperty("data").GetProperty("flags").GetInt32());
        Assert.DoesNotContain("Feedback report", refused.GetRawText(), StringComparison.Ordinal);
        Assert.Equal((5, 64), (deferred.GetProperty("type").GetInt32(), deferred.GetProperty("data").GetProperty("flags").GetInt32()));
        var text = report.Body!.Value.GetProperty("embeds")[0].GetProperty("description").GetString()!;
        Assert.Contains("Feedback report", text, StringComparison.Ordinal);
        Assert.Contains("What is a good recipe for pancakes?", text, StringComparison.Ordinal);
        Assert.DoesNotContain(bot.Discord.Requests, r => r.Path.Contains("token-610", StringComparison.Ordinal) && r.Method == "PATCH");
    }

    [Fact]
    public async Task Commands_are_registered_with_chinese_descriptions()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.ReadyAsync();

        var put = await bot.Discord.NextRequestAsync("PUT", "/applications/");

        var commands = put.Body!.Value.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["ask", "report", "sides", "sources"], commands.Keys.Order());
        Assert.All(commands.Values, c =>
        {
            var localized = c.GetProperty("description_localizations");
            Assert.False(string.IsNullOrEmpty(localized.GetProperty("zh-CN").GetString()));
            Assert.False(string.IsNullOrEmpty(localized.GetProperty("zh-TW").GetString()));
        });
    }

    private static object Command(string id, string name, string user) => new
    {
        id,
        application_id = FakeIds.Application,
        type = 2,
        token = "token-" + id,
        channel_id = FakeIds.Channel,
        guild_id = FakeIds.Guild,
        locale = "en-US",
        member = new { user = new { id = user, username = "someone" } },
        data = new { id = "800", name, type = 1 },
    };

    private static async Task<JsonElement> NextCallbackAsync(BotHarness bot, string interactionId) =>
        (await bot.Discord.NextRequestAsync("POST", $"/interactions/{interactionId}/")).Body!.Value;

    private static List<(string Label, string CustomId)> Buttons(JsonElement message) =>
        [.. message.GetProperty("components").EnumerateArray()
            .SelectMany(row => row.GetProperty("components").EnumerateArray())
            .Select(b => (b.GetProperty("label").GetString()!, b.GetProperty("custom_id").GetString()!))];

    private static object Press(string id, string customId, string user) => new
    {
        id,
        application_id = FakeIds.Application,
        type = 3,
        token = "press-token-" + id,
        channel_id = FakeIds.Channel,
        guild_id = FakeIds.Guild,
        locale = "en-US",
        member = new { user = new { id = user, username = "someone" } },
        message = new { id = "9001", channel_id = FakeIds.Channel },
        data = new { custom_id = customId, component_type = 2 },
    };

    private static object Message(string id, string content) => new
    {
        id,
        channel_id = FakeIds.Channel,
        guild_id = FakeIds.Guild,
        type = 0,
        content,
        author = new { id = FakeIds.User, username = "someone", bot = false },
        mentions = new object[] { new { id = FakeIds.Bot, username = "BubbleBot" } },
        mention_everyone = false,
    };
}
