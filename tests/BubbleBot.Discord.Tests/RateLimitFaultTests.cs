using BubbleBot.Discord.Messages;
using BubbleBot.Discord.Rest;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BubbleBot.Discord.Tests;

/// <summary>Fault 4: a rate-limited route never stalls the others, and its call is delayed, not lost.</summary>
public sealed class RateLimitFaultTests
{
    private static readonly Dictionary<string, string> UserScope = new() { ["X-RateLimit-Scope"] = "user" };

    [Fact]
    public async Task Per_route_429_waits_outside_the_gate_other_channels_proceed_and_the_answer_is_not_lost()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        var refused = 0;
        bot.Discord.Reply = r => r.Path == "/channels/400/messages" && Interlocked.Increment(ref refused) <= 5
            ? new FakeReply(429, """{"message":"You are being rate limited.","retry_after":5,"global":false}""", UserScope)
            : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        var limited = rest.CreateMessageAsync("400", new MessagePayload("rate-limited answer"), CancellationToken.None);
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));

        // With the clock standing still, other channels are answered at once (several, more than the old 4 workers).
        for (var channel = 401; channel <= 406; channel++)
        {
            Assert.NotNull(await rest.CreateMessageAsync(channel.ToString(System.Globalization.CultureInfo.InvariantCulture), new MessagePayload("other"), CancellationToken.None)
                .WaitAsync(FakeDiscord.Timeout));
        }

        Assert.False(limited.IsCompleted);

        // Five 429s in a row (more than the old limit of 4 attempts), each honoured, then the answer goes out.
        bot.Time.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 4; i++)
        {
            await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(5));
        }

        Assert.NotNull(await limited.WaitAsync(FakeDiscord.Timeout));
        Assert.Equal(6, bot.Discord.Requests.Count(r => r.Path == "/channels/400/messages"));
    }

    [Fact]
    public async Task Cloudflare_html_429_blocks_every_route_including_interactions()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Number == 1
            ? new FakeReply(429, null, new Dictionary<string, string> { ["Retry-After"] = "7", ["Content-Type"] = "text/html" })
            : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();

        var first = rest.CreateMessageAsync("400", new MessagePayload("a"), CancellationToken.None);
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(7));

        // The IP is blocked: another channel and an interaction route wait the same 7 s.
        var other = rest.CreateMessageAsync("401", new MessagePayload("b"), CancellationToken.None);
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        var interaction = rest.EditOriginalResponseAsync(FakeIds.Application, "interaction-token", new MessagePayload("c"), CancellationToken.None);
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        Assert.Single(bot.Discord.Requests);

        bot.Time.Advance(TimeSpan.FromSeconds(7));
        await Task.WhenAll(first, other, interaction).WaitAsync(FakeDiscord.Timeout);
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3030 && r.Message.Contains("cloudflare", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forbidden_answers_count_as_invalid_requests_and_typing_stops_before_the_ban_limit()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Path.EndsWith("/typing", StringComparison.Ordinal)
            ? new FakeReply(403, """{"message":"Missing Permissions","code":50013}""")
            : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();
        var limits = bot.Host.Services.GetRequiredService<RestRateLimits>();

        await Assert.ThrowsAsync<DiscordApiException>(() => rest.TriggerTypingAsync("400", CancellationToken.None));
        Assert.Equal(1, limits.InvalidRequests.Count);

        for (var i = 1; i < InvalidRequestCounter.SoftLimit; i++)
        {
            limits.InvalidRequests.Record();
        }

        // Past the soft limit typing (a courtesy) is not sent at all; answers still are.
        await rest.TriggerTypingAsync("400", CancellationToken.None);
        Assert.Single(bot.Discord.Requests, r => r.Path.EndsWith("/typing", StringComparison.Ordinal));
        Assert.NotNull(await rest.CreateMessageAsync("400", new MessagePayload("answer"), CancellationToken.None).WaitAsync(FakeDiscord.Timeout));
    }

    [Fact]
    public void Invalid_request_count_slides_out_of_the_ten_minute_window()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var counter = new InvalidRequestCounter(time);
        for (var i = 0; i < InvalidRequestCounter.HardLimit; i++)
        {
            counter.Record();
        }

        Assert.False(counter.CallsAllowed);
        time.Advance(TimeSpan.FromMinutes(5));
        counter.Record();
        Assert.Equal(InvalidRequestCounter.HardLimit + 1, counter.Count);

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10));
        Assert.Equal(1, counter.Count);
        Assert.True(counter.CallsAllowed);
    }

    [Fact]
    public async Task Rate_limit_tables_do_not_grow_with_every_interaction()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Method == "PATCH"
            ? new FakeReply(200, """{"id":"1"}""", new Dictionary<string, string> { ["X-RateLimit-Remaining"] = "4", ["X-RateLimit-Reset-After"] = "1" })
            : null;
        var rest = bot.Host.Services.GetRequiredService<DiscordRestClient>();
        var limits = bot.Host.Services.GetRequiredService<RestRateLimits>();

        for (var i = 0; i < RestRateLimits.PruneThreshold + 200; i++)
        {
            await rest.EditOriginalResponseAsync(FakeIds.Application, "token-" + i, new MessagePayload("x"), CancellationToken.None);
            if (i % 100 == 0)
            {
                bot.Time.Advance(TimeSpan.FromSeconds(2));
            }
        }

        Assert.True(limits.TrackedEntries <= RestRateLimits.PruneThreshold + 101, $"{limits.TrackedEntries} entries");
    }
}
