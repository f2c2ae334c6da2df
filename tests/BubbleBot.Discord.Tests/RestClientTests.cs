using BubbleBot.Discord.Messages;
using BubbleBot.Discord.Rest;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Discord.Tests;

/// <summary>The REST client against the fake API, without the gateway running.</summary>
public sealed class RestClientTests
{
    [Fact]
    public async Task Exhausted_bucket_waits_reset_after_before_the_next_call()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Number == 1
            ? new FakeReply(200, """{"id":"1"}""", new Dictionary<string, string>
            {
                ["X-RateLimit-Bucket"] = "abc", ["X-RateLimit-Limit"] = "5", ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset-After"] = "1.75",
            })
            : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        await rest.CreateMessageAsync("400", new MessagePayload("one"), CancellationToken.None);
        var second = rest.CreateMessageAsync("400", new MessagePayload("two"), CancellationToken.None);
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(1.75));
        await second.WaitAsync(FakeDiscord.Timeout);

        // Another channel is another bucket: no wait there.
        await rest.CreateMessageAsync("401", new MessagePayload("three"), CancellationToken.None).WaitAsync(FakeDiscord.Timeout);
    }

    [Fact]
    public async Task Unauthorized_is_never_retried_and_stops_further_calls()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = _ => new FakeReply(401, """{"message":"401: Unauthorized","code":0}""");
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        await Assert.ThrowsAsync<DiscordApiException>(() => rest.TriggerTypingAsync("400", CancellationToken.None));
        await Assert.ThrowsAsync<DiscordApiException>(() => rest.TriggerTypingAsync("400", CancellationToken.None));

        await bot.Discord.NextRequestAsync("POST", "/channels/400/typing");
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3032);
        var extra = bot.Discord.NextRequestAsync(_ => true);
        Assert.False(extra.IsCompleted);
    }

    [Fact]
    public async Task Server_errors_on_idempotent_requests_are_retried_with_backoff()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Number <= 2 ? new FakeReply(502) : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        // Editing the original response (PATCH) is idempotent: repeating it cannot post twice.
        var call = rest.EditOriginalResponseAsync(FakeIds.Application, "interaction-token", new MessagePayload("hi"), CancellationToken.None);
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(1));
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(2));
        Assert.NotNull(await call.WaitAsync(FakeDiscord.Timeout));
        Assert.Equal(2, bot.Logs.GetSnapshot().Count(r => r.Id.Id == 3031));
    }

    [Fact]
    public async Task Server_error_on_a_message_post_is_not_retried()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal) ? new FakeReply(502) : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        // The 502 may have come after Discord posted the message: posting again could post it twice.
        var error = await Assert.ThrowsAsync<DiscordApiException>(() => rest.CreateMessageAsync("400", new MessagePayload("hi"), CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, error.Status);
        await rest.TriggerTypingAsync("400", CancellationToken.None);

        // The call that follows the failed POST on the wire is the typing call, not a second POST.
        await bot.Discord.NextRequestAsync("POST", "/channels/400/messages");
        var next = await bot.Discord.NextRequestAsync(_ => true);
        Assert.Equal("/channels/400/typing", next.Path);
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3036);
        Assert.DoesNotContain(bot.Logs.GetSnapshot(), r => r.Id.Id == 3031);
    }

    [Fact]
    public async Task Unauthorized_interaction_token_does_not_disable_bot_token_routes()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Method == "PATCH" && r.Path.StartsWith("/webhooks/", StringComparison.Ordinal)
            ? new FakeReply(401, """{"message":"Invalid Webhook Token","code":50027}""")
            : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        // An expired or invalid interaction token says nothing about the bot token.
        var error = await Assert.ThrowsAsync<DiscordApiException>(() =>
            rest.EditOriginalResponseAsync(FakeIds.Application, "expired-token", new MessagePayload("late"), CancellationToken.None));
        Assert.Equal((System.Net.HttpStatusCode.Unauthorized, 50027), (error.Status, error.Code));

        Assert.Equal("9001", await rest.CreateMessageAsync("400", new MessagePayload("still works"), CancellationToken.None).WaitAsync(FakeDiscord.Timeout));
        await bot.Discord.NextRequestAsync("POST", "/channels/400/messages");
        var logs = bot.Logs.GetSnapshot();
        Assert.Contains(logs, r => r.Id.Id == 3035);
        Assert.DoesNotContain(logs, r => r.Id.Id == 3032);
        Assert.DoesNotContain("expired-token", string.Join('\n', logs.Select(r => r.Message)));
    }

    [Fact]
    public async Task Global_rate_limit_does_not_hold_back_interaction_routes()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Number == 1 ? new FakeReply(429, """{"message":"slow down","retry_after":30,"global":true}""") : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        var blocked = rest.CreateMessageAsync("400", new MessagePayload("a"), CancellationToken.None);
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));

        // Interaction endpoints are not bound to the global rate limit: both go out with the clock standing still.
        await rest.CreateInteractionResponseAsync("600", "interaction-token", InteractionResponse.Deferred, CancellationToken.None).WaitAsync(FakeDiscord.Timeout);
        await rest.EditOriginalResponseAsync(FakeIds.Application, "interaction-token", new MessagePayload("b"), CancellationToken.None).WaitAsync(FakeDiscord.Timeout);
        Assert.False(blocked.IsCompleted);

        bot.Time.Advance(TimeSpan.FromSeconds(30));
        await blocked.WaitAsync(FakeDiscord.Timeout);
    }

    [Fact]
    public async Task Global_rate_limit_blocks_every_route()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Number == 1 ? new FakeReply(429, """{"message":"slow down","retry_after":0.5,"global":true}""") : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        var first = rest.CreateMessageAsync("400", new MessagePayload("a"), CancellationToken.None);
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(0.5));
        var other = rest.TriggerTypingAsync("401", CancellationToken.None);
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(0.5));
        Assert.False(other.IsCompleted);
        bot.Time.Advance(TimeSpan.FromSeconds(0.5));
        await Task.WhenAll(first, other).WaitAsync(FakeDiscord.Timeout);
    }
}
