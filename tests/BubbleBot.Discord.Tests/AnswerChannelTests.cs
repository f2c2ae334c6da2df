using System.Text.Json;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Tests;

/// <summary>Answer channels (no mention needed, forum posts included) and the hand-over to a support role.</summary>
public sealed class AnswerChannelTests
{
    private const string OtherChannel = "401";
    private const string SupportRole = "4242";
    private const string Refused = "What is a good recipe for pancakes?";
    private const string Answerable = "Will OpenAI run out of money?";

    [Fact]
    public async Task Every_message_in_an_answer_channel_is_answered_without_a_mention_and_other_channels_still_need_one()
    {
        await using var bot = await BotHarness.StartAsync(AnswerChannel());
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("501", FakeIds.Channel, Answerable, mention: false));
        await connection.SendDispatchAsync("MESSAGE_CREATE", 3, Message("502", OtherChannel, Answerable, mention: false));
        await connection.SendDispatchAsync("MESSAGE_CREATE", 4, Message("503", OtherChannel, "<@100> " + Answerable, mention: true));

        // Answers run concurrently, in either order: take the first two replies, wherever they went.
        static bool IsReply(RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal);
        var replies = new[] { await bot.Discord.NextRequestAsync(IsReply), await bot.Discord.NextRequestAsync(IsReply) };

        Assert.Equal("501", ReplyTo(replies.Single(r => r.Path == $"/channels/{FakeIds.Channel}/messages")));
        Assert.Equal("503", ReplyTo(replies.Single(r => r.Path == $"/channels/{OtherChannel}/messages")));
        Assert.DoesNotContain(bot.Logs.GetSnapshot(), r => r.Id.Id == 3046);
    }

    [Fact]
    public async Task A_new_forum_post_is_answered_but_later_messages_in_its_thread_need_a_mention()
    {
        await using var bot = await BotHarness.StartAsync(AnswerChannel());
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("THREAD_CREATE", 2, new { id = "7001", parent_id = FakeIds.Channel, guild_id = FakeIds.Guild, type = 11, newly_created = true });
        await connection.SendDispatchAsync("MESSAGE_CREATE", 3, Message("7001", "7001", Answerable, mention: false));
        await connection.SendDispatchAsync("MESSAGE_CREATE", 4, Message("7002", "7001", "and another thing?", mention: false));
        await connection.SendDispatchAsync("MESSAGE_CREATE", 5, Message("7003", "7001", "<@100> " + Answerable, mention: true));

        var first = await bot.Discord.NextRequestAsync("POST", "/channels/7001/messages");
        var second = await bot.Discord.NextRequestAsync("POST", "/channels/7001/messages");

        // Answers run concurrently: the two replies may come in either order.
        Assert.Equal(["7001", "7003"], new[] { ReplyTo(first), ReplyTo(second) }.Order());
    }

    [Fact]
    public void Only_the_opening_message_of_a_thread_in_an_answer_channel_is_covered()
    {
        var channels = new BubbleBot.Discord.Handling.AnswerChannels(Microsoft.Extensions.Options.Options.Create(
            new DiscordOptions { Token = "t", AnswerChannelIds = [FakeIds.Channel] }));
        channels.OnThreadCreate(Json(new { id = "7001", parent_id = FakeIds.Channel }));
        channels.OnThreadCreate(Json(new { id = "8001", parent_id = OtherChannel }));

        Assert.True(channels.Covers(Json(new { id = "7001", channel_id = "7001" })));
        Assert.False(channels.Covers(Json(new { id = "7002", channel_id = "7001" })));
        Assert.False(channels.Covers(Json(new { id = "8001", channel_id = "8001" })));
        Assert.True(channels.Covers(Json(new { id = "9", channel_id = FakeIds.Channel })));
        Assert.False(channels.Covers(Json(new { id = "9", channel_id = OtherChannel })));
    }

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public async Task Answer_channels_without_the_message_content_intent_are_named_at_start()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Discord:AnswerChannelIds:0"] = FakeIds.Channel });
        await bot.ReadyAsync();

        var warning = Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 3046);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("MessageContentIntent", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_pings_exactly_the_support_role_and_an_answer_pings_nobody()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Discord:EscalationRoleId"] = SupportRole });
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("601", FakeIds.Channel, $"<@100> {Refused} @everyone <@&42>", mention: true));
        var refusal = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        await connection.SendDispatchAsync("MESSAGE_CREATE", 3, Message("602", FakeIds.Channel, "<@100> " + Answerable, mention: true));
        var answer = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");

        var body = refusal.Body!.Value;
        Assert.Contains($"<@&{SupportRole}>", body.GetProperty("content").GetString(), StringComparison.Ordinal);
        var allowed = body.GetProperty("allowed_mentions");
        Assert.Empty(allowed.GetProperty("parse").EnumerateArray());
        Assert.Empty(allowed.GetProperty("users").EnumerateArray());
        Assert.Equal([SupportRole], allowed.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(allowed.GetProperty("replied_user").GetBoolean());
        Assert.Empty(answer.Body!.Value.GetProperty("allowed_mentions").GetProperty("roles").EnumerateArray());
        Assert.False(answer.Body!.Value.TryGetProperty("content", out _));
    }

    [Fact]
    public async Task A_refused_ask_hands_over_in_a_follow_up_that_pings_only_the_role()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Discord:EscalationRoleId"] = SupportRole });
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("INTERACTION_CREATE", 2, new
        {
            id = "600", application_id = FakeIds.Application, type = 2, token = "interaction-token", channel_id = FakeIds.Channel,
            guild_id = FakeIds.Guild, locale = "en-US", member = new { user = new { id = FakeIds.User, username = "someone" } },
            data = new { id = "800", name = "ask", type = 1, options = new[] { new { name = "question", type = 3, value = Refused } } },
        });

        var edit = await bot.Discord.NextRequestAsync("PATCH", "/webhooks/");
        var followUp = await bot.Discord.NextRequestAsync(r => r.Method == "POST" && r.Path == $"/webhooks/{FakeIds.Application}/interaction-token");

        Assert.Empty(edit.Body!.Value.GetProperty("allowed_mentions").GetProperty("roles").EnumerateArray());
        Assert.Contains($"<@&{SupportRole}>", followUp.Body!.Value.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal([SupportRole], followUp.Body!.Value.GetProperty("allowed_mentions").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    private static Dictionary<string, string?> AnswerChannel() => new()
    {
        ["Discord:AnswerChannelIds:0"] = FakeIds.Channel,
        ["Discord:MessageContentIntent"] = "true",
    };

    private static string? ReplyTo(RecordedRequest request) =>
        request.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString();

    private static object Message(string id, string channel, string content, bool mention) => new
    {
        id,
        channel_id = channel,
        guild_id = FakeIds.Guild,
        type = 0,
        content,
        author = new { id = FakeIds.User, username = "someone", bot = false },
        mentions = mention ? new object[] { new { id = FakeIds.Bot, username = "BubbleBot" } } : [],
        mention_everyone = false,
    };
}
