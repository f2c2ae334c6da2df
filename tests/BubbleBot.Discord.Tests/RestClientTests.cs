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
    public async Task Server_errors_are_retried_a_bounded_number_of_times()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Number <= 2 ? new FakeReply(502) : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        var call = rest.CreateMessageAsync("400", new MessagePayload("hi"), CancellationToken.None);
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(1));
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(2));
        Assert.NotNull(await call.WaitAsync(FakeDiscord.Timeout));
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
