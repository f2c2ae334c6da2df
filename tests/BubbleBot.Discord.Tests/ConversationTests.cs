using System.Text.Json;
using BubbleBot.Discord.Handling;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Discord.Tests;

/// <summary>Questions by mention and by slash command, answered by the real core over the real corpus.</summary>
public sealed class ConversationTests
{
    private const string Question = "Will OpenAI run out of money?";

    [Fact]
    public async Task Mention_gets_a_reply_with_sources_that_pings_nobody()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();

        // Ignored: another bot, the bot itself, and a guild message that does not mention the bot.
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("501", "<@100> hello", author: "999", bot: true));
        await connection.SendDispatchAsync("MESSAGE_CREATE", 3, Message("502", "<@100> hello", author: FakeIds.Bot));
        await connection.SendDispatchAsync("MESSAGE_CREATE", 4, Message("503", "just chatting", mention: false));
        await connection.SendDispatchAsync("MESSAGE_CREATE", 5, Message("504", $"<@!100> {Question} @everyone <@&42>"));

        var typing = await bot.Discord.NextRequestAsync(r => r.Path.StartsWith("/channels/", StringComparison.Ordinal));
        Assert.Equal(("POST", $"/channels/{FakeIds.Channel}/typing"), (typing.Method, typing.Path));
        var reply = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        var body = reply.Body!.Value;

        AssertPingsNobody(body);
        var reference = body.GetProperty("message_reference");
        Assert.Equal("504", reference.GetProperty("message_id").GetString());
        Assert.False(reference.GetProperty("fail_if_not_exists").GetBoolean());
        var text = EmbedText(body);
        Assert.Contains("[1]", text);
        Assert.Contains(bot.Catalog.Articles.Where(a => a.Url is not null), a => text.Contains(a.Url!, StringComparison.Ordinal));
        Assert.Equal("Bot " + BotHarness.Token, reply.Headers["Authorization"]);
    }

    [Fact]
    public async Task Direct_message_is_answered_without_a_mention()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("505", Question, guild: null, mention: false));

        var reply = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        AssertPingsNobody(reply.Body!.Value);
        Assert.Equal("505", reply.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task Ask_command_is_deferred_then_the_original_response_is_edited()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("INTERACTION_CREATE", 2, Interaction("ask", Question));

        var callback = await bot.Discord.NextRequestAsync("POST", "/interactions/");
        Assert.Equal("/interactions/600/interaction-token/callback", callback.Path);
        Assert.Equal(5, callback.Body!.Value.GetProperty("type").GetInt32());

        var edit = await bot.Discord.NextRequestAsync("PATCH", "/webhooks/");
        Assert.Equal($"/webhooks/{FakeIds.Application}/interaction-token/messages/@original", edit.Path);
        AssertPingsNobody(edit.Body!.Value);
        var text = EmbedText(edit.Body!.Value);
        Assert.Contains(bot.Catalog.Articles.Where(a => a.Url is not null), a => text.Contains(a.Url!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sources_command_lists_every_article()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("INTERACTION_CREATE", 2, Interaction("sources", null));

        var callback = await bot.Discord.NextRequestAsync("POST", "/interactions/");
        var body = callback.Body!.Value;
        Assert.Equal(4, body.GetProperty("type").GetInt32());
        AssertPingsNobody(body.GetProperty("data"));
        var text = EmbedText(body.GetProperty("data"));
        Assert.All(bot.Catalog.Articles.Where(a => a.Url is not null), a => Assert.Contains(a.Url!, text));
    }

    [Fact]
    public async Task Commands_are_registered_in_the_configured_guild()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Discord:GuildId"] = "123456" });
        await bot.ReadyAsync();

        var put = await bot.Discord.NextRequestAsync("PUT", "/applications/");
        Assert.Equal($"/applications/{FakeIds.Application}/guilds/123456/commands", put.Path);
        var names = put.Body!.Value.EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["ask", "sides", "sources", "report"], names);
        var option = put.Body!.Value[0].GetProperty("options")[0];
        Assert.Equal(("question", 3, true), (option.GetProperty("name").GetString(), option.GetProperty("type").GetInt32(), option.GetProperty("required").GetBoolean()));
    }

    [Fact]
    public async Task Rate_limited_reply_waits_retry_after_and_is_sent_again()
    {
        await using var bot = await BotHarness.StartAsync();
        var attempts = 0;
        bot.Discord.Reply = r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal) && Interlocked.Increment(ref attempts) == 1
            ? new FakeReply(429, """{"message":"You are being rate limited.","retry_after":2.5,"global":false}""")
            : null;
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("506", $"<@100> {Question}"));

        var first = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(2.5));
        var second = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");

        Assert.Equal(first.Body!.Value.GetRawText(), second.Body!.Value.GetRawText());
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Global_rate_limit_does_not_delay_the_interaction_acknowledgement()
    {
        await using var bot = await BotHarness.StartAsync();
        var posts = 0;
        bot.Discord.Reply = r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal) && Interlocked.Increment(ref posts) == 1
            ? new FakeReply(429, """{"message":"You are being rate limited.","retry_after":30,"global":true}""")
            : null;
        var connection = await bot.ReadyAsync();

        // A reply to a mention runs into a global 429: every bot-token route is blocked for 30 s.
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("507", $"<@100> {Question}"));
        await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));

        // With the clock standing still, /ask is still deferred (type 5) and its answer edited in: interaction
        // endpoints are not bound to the global rate limit.
        await connection.SendDispatchAsync("INTERACTION_CREATE", 3, Interaction("ask", Question));
        var callback = await bot.Discord.NextRequestAsync("POST", "/interactions/");
        Assert.Equal(5, callback.Body!.Value.GetProperty("type").GetInt32());
        await bot.Discord.NextRequestAsync("PATCH", "/webhooks/");
        Assert.Equal(1, Volatile.Read(ref posts));

        // The held-back reply goes out when the global block ends.
        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        Assert.Equal(2, Volatile.Read(ref posts));
    }

    [Fact]
    public async Task Ask_that_waited_too_long_is_dropped_without_answering()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        var responder = bot.Host.Services.GetRequiredService<DiscordResponder>();
        var interaction = new IncomingInteraction("600", "interaction-token", FakeIds.Application, FakeIds.Channel, FakeIds.Guild,
            FakeIds.User, "ask", Question, "en-US");
        var receivedAt = bot.Time.GetUtcNow();

        // Over 14 minutes in the queue: the 15-minute token is about to expire, so no answer is computed or sent.
        bot.Time.Advance(DiscordResponder.MaxAskAge + TimeSpan.FromSeconds(1));
        await responder.AnswerAskAsync(new AskWork(interaction, receivedAt), CancellationToken.None).WaitAsync(FakeDiscord.Timeout);
        var logs = bot.Logs.GetSnapshot();
        Assert.Contains(logs, r => r.Id.Id == 3045);
        Assert.DoesNotContain(logs, r => r.Id.Id == 3040);

        // One that waited less is answered as usual, and its edit is the first REST call made.
        await responder.AnswerAskAsync(new AskWork(interaction, bot.Time.GetUtcNow() - TimeSpan.FromMinutes(13)), CancellationToken.None)
            .WaitAsync(FakeDiscord.Timeout);
        var first = await bot.Discord.NextRequestAsync(_ => true);
        Assert.Equal(("PATCH", $"/webhooks/{FakeIds.Application}/interaction-token/messages/@original"), (first.Method, first.Path));
        Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 3040);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("OpenAI")]
    public async Task Sides_command_is_deferred_then_answered_with_both_sides(string? topic)
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("INTERACTION_CREATE", 2, Interaction("sides", topic, optionName: "topic"));

        var callback = await bot.Discord.NextRequestAsync("POST", "/interactions/");
        Assert.Equal(5, callback.Body!.Value.GetProperty("type").GetInt32());
        var edit = await bot.Discord.NextRequestAsync("PATCH", "/webhooks/");
        AssertPingsNobody(edit.Body!.Value);
        var text = EmbedText(edit.Body!.Value);
        Assert.Contains(BubbleBot.Core.Answering.AnswerLabels.English.BubbleSide, text);
        Assert.Contains(BubbleBot.Core.Answering.AnswerLabels.English.NotBubbleSide, text);
    }

    [Fact]
    public async Task A_reply_to_the_bots_answer_is_read_with_that_answers_conversation()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("510", "<@100> 马拉比认为OpenAI多久会耗尽资金？"));
        await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        var answerId = bot.Discord.LastCreatedMessageId;

        // Not a mention: a reply to the bot's answer, which on its own asks nothing the articles could answer.
        var followUp = Message("511", "为什么？", mention: false);
        await connection.SendDispatchAsync("MESSAGE_CREATE", 3, Reply(followUp, answerId));

        var reply = await bot.Discord.NextRequestAsync(r => r.Method == "POST" && r.Path == $"/channels/{FakeIds.Channel}/messages"
            && r.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString() == "511");
        Assert.Contains("18 个月", EmbedText(reply.Body!.Value));
    }

    private static JsonElement Reply(object message, string repliedToId)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(message))!.AsObject();
        node["type"] = 19;
        node["referenced_message"] = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = repliedToId,
            ["author"] = new System.Text.Json.Nodes.JsonObject { ["id"] = FakeIds.Bot, ["username"] = "BubbleBot", ["bot"] = true },
        };
        return JsonSerializer.SerializeToElement(node);
    }

    internal static void AssertPingsNobody(JsonElement message)
    {
        var allowed = message.GetProperty("allowed_mentions");
        Assert.Equal(0, allowed.GetProperty("parse").GetArrayLength());
        Assert.False(allowed.GetProperty("replied_user").GetBoolean());
    }

    private static string EmbedText(JsonElement message) =>
        string.Join('\n', message.GetProperty("embeds").EnumerateArray().Select(e =>
            (e.TryGetProperty("title", out var t) ? t.GetString() : null) + "\n" + e.GetProperty("description").GetString()));

    private static object Message(string id, string content, string author = FakeIds.User, bool bot = false, string? guild = FakeIds.Guild, bool mention = true) => new
    {
        id,
        channel_id = FakeIds.Channel,
        guild_id = guild,
        type = 0,
        content,
        author = new { id = author, username = "someone", bot },
        mentions = mention ? new object[] { new { id = FakeIds.Bot, username = "BubbleBot" } } : [],
        mention_everyone = false,
    };

    private static object Interaction(string name, string? question, string optionName = "question") => new
    {
        id = "600",
        application_id = FakeIds.Application,
        type = 2,
        token = "interaction-token",
        channel_id = FakeIds.Channel,
        guild_id = FakeIds.Guild,
        locale = "en-US",
        member = new { user = new { id = FakeIds.User, username = "someone" } },
        data = new
        {
            id = "800",
            name,
            type = 1,
            options = question is null ? Array.Empty<object>() : [new { name = optionName, type = 3, value = question }],
        },
    };
}
