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
