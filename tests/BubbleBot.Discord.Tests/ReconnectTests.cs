using System.Text.Json;
using BubbleBot.Core.Chat;
using BubbleBot.Discord.Gateway;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BubbleBot.Discord.Tests;

/// <summary>
/// Reconnect rules: fresh sessions after 4007/4009, backoff and the Identify budget, fatal closes, resilience to
/// odd payloads, and command registration retries. Jitter is fixed at 0.5, so a backoff is 75 % of its ceiling.
/// </summary>
public sealed class ReconnectTests
{
    [Theory]
    [InlineData(4007)]
    [InlineData(4009)]
    public async Task Invalid_sequence_and_session_timeout_identify_afresh(int code)
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.CloseAsync(code, "session gone");

        // Not a Resume: a new connection on the gateway URL (not the resume URL) with a fresh Identify, after the
        // fresh-session wait (the 5 s between Identifies is the longest part here).
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(5));
        var (fresh, identify) = await bot.AcceptAsync();
        Assert.StartsWith("/gateway?v=10&encoding=json", fresh.Path);
        Assert.Equal(2, identify.GetProperty("op").GetInt32());
        Assert.Equal(2, bot.Discord.ConnectionCount);
    }

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4012)]
    [InlineData(4013)]
    [InlineData(4014)]
    public async Task Fatal_close_codes_stop_the_adapter_without_reconnecting(int code)
    {
        await using var bot = await BotHarness.StartAsync();
        var (connection, _) = await bot.AcceptAsync();
        await connection.CloseAsync(code, "fatal");

        await bot.Gateway.ExecuteTask!.WaitAsync(FakeDiscord.Timeout);

        Assert.Equal(1, bot.Discord.ConnectionCount);
        var fatal = Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 3008);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), fatal.Message);
        Assert.Equal(AdapterState.FailedPermanently, bot.Host.Services.GetRequiredService<AdapterHealth>().StateOf(DiscordGatewayService.AdapterName));
    }

    [Fact]
    public async Task Heartbeat_request_is_answered_at_once_with_the_last_sequence()
    {
        await using var bot = await BotHarness.StartAsync(jitter: 0.25);
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("GUILD_CREATE", 4, new { id = FakeIds.Guild });
        var before = bot.Time.GetUtcNow();

        await connection.SendAsync(new { op = 1, d = (object?)null });
        var beat = await connection.ReceiveAsync(1);

        // Answered without any time passing, carrying the last sequence seen.
        Assert.Equal(4, beat.GetProperty("d").GetInt64());
        Assert.Equal(before, bot.Time.GetUtcNow());

        // The regular schedule is unchanged: the first beat still comes after interval × jitter.
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromMilliseconds(BotHarness.HeartbeatMs * 0.25));
        Assert.Equal(1, (await connection.ReceiveAsync()).GetProperty("op").GetInt32());
    }

    [Fact]
    public async Task Repeated_session_timeouts_wait_longer_before_each_fresh_identify()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();

        // Consecutive fresh sessions (READY does not reset the count): 5 s (the Identify spacing is longer than the
        // first backoff of 5 s × 0.75), then 10 s × 0.75, then 20 s × 0.75, then 40 s × 0.75.
        TimeSpan[] waits = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7.5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];
        for (var i = 0; i < waits.Length; i++)
        {
            await connection.CloseAsync(4009, "Session timed out");
            await bot.Time.WaitForTimerAsync(waits[i]);
            Assert.Equal(i + 1, bot.Discord.ConnectionCount);
            bot.Time.Advance(waits[i]);

            var (fresh, identify) = await bot.AcceptAsync();
            Assert.Equal(2, identify.GetProperty("op").GetInt32());
            await fresh.SendReadyAsync(1, resumeUrl: bot.Discord.ResumeUrl);
            await fresh.SyncAsync();
            connection = fresh;
        }
    }

    [Fact]
    public async Task Resumes_do_not_count_as_fresh_sessions()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();

        // Resumable drops reconnect at once, however many there are, and never identify.
        for (var i = 0; i < 3; i++)
        {
            await connection.CloseAsync(4000, "Unknown error");
            var (resumed, resume) = await bot.AcceptAsync();
            Assert.Equal(6, resume.GetProperty("op").GetInt32());
            await resumed.SendDispatchAsync("RESUMED", 2 + i, new { });
            await resumed.SyncAsync();
            connection = resumed;
        }

        // Once the 5 s Identify spacing has passed, the next fresh session waits only the first backoff step
        // (5 s × 0.75), as after one Identify; had the resumes counted it would be 40 s × 0.75.
        bot.Time.Advance(TimeSpan.FromSeconds(10));
        await connection.CloseAsync(4009, "Session timed out");
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(3.75));
        var (_, identify) = await bot.AcceptAsync();
        Assert.Equal(2, identify.GetProperty("op").GetInt32());
    }

    [Fact]
    public async Task No_session_starts_left_defers_the_fresh_identify_until_reset_after()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await bot.Discord.NextRequestAsync("GET", "/gateway/bot");

        // From now on the first GET /gateway/bot says no session starts remain for another 60 s.
        var asked = 0;
        bot.Discord.Reply = r => r.Method == "GET" && r.Path == "/gateway/bot" && Interlocked.Increment(ref asked) == 1
            ? new FakeReply(200, JsonSerializer.Serialize(new
            {
                url = bot.Discord.GatewayUrl,
                shards = 1,
                session_start_limit = new { total = 1000, remaining = 0, reset_after = 60_000, max_concurrency = 1 },
            }))
            : null;

        await connection.CloseAsync(4009, "Session timed out");
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(5));

        // The limit is asked again before this fresh Identify, and the adapter waits reset_after instead of identifying.
        await bot.Discord.NextRequestAsync("GET", "/gateway/bot");
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, bot.Discord.ConnectionCount);
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3014);

        bot.Time.Advance(TimeSpan.FromSeconds(60));
        await bot.Discord.NextRequestAsync("GET", "/gateway/bot");
        var (_, identify) = await bot.AcceptAsync();
        Assert.Equal(2, identify.GetProperty("op").GetInt32());
        Assert.Equal(2, Volatile.Read(ref asked));
    }

    [Fact]
    public async Task Ready_without_resume_url_then_a_drop_identifies_afresh_and_the_host_keeps_running()
    {
        await using var bot = await BotHarness.StartAsync();
        var (connection, _) = await bot.AcceptAsync();
        await connection.SendDispatchAsync("READY", 1, new
        {
            v = 10,
            session_id = FakeIds.Session,
            user = new { id = FakeIds.Bot, username = "BubbleBot", bot = true },
            application = new { id = FakeIds.Application, flags = 0 },
            guilds = Array.Empty<object>(),
        });
        await connection.SyncAsync();
        connection.Abort();

        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(5));
        var (fresh, identify) = await bot.AcceptAsync();
        Assert.StartsWith("/gateway?v=10&encoding=json", fresh.Path);
        Assert.Equal(2, identify.GetProperty("op").GetInt32());

        Assert.False(bot.Gateway.ExecuteTask!.IsCompleted);
        Assert.False(bot.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3016);
    }

    [Fact]
    public async Task Unexpected_error_is_retried_with_backoff_and_never_stops_the_host()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        // The first answer names a URL a WebSocket cannot connect to (ArgumentException from ClientWebSocket).
        bot.Discord.Reply = r => r.Method == "GET" && r.Number == 1
            ? new FakeReply(200, JsonSerializer.Serialize(new
            {
                url = bot.Discord.BaseUrl,
                session_start_limit = new { total = 1000, remaining = 999, reset_after = 0, max_concurrency = 1 },
            }))
            : null;
        await bot.Host.StartAsync();

        // First failure: retried at once (backoff grows from the second), with the gateway URL asked again.
        await bot.Discord.NextRequestAsync("GET", "/gateway/bot");
        await bot.Discord.NextRequestAsync("GET", "/gateway/bot");
        var (_, identify) = await bot.AcceptAsync();
        Assert.Equal(2, identify.GetProperty("op").GetInt32());
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3009);
        Assert.False(bot.Gateway.ExecuteTask!.IsCompleted);
        Assert.False(bot.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task Hello_with_a_bad_heartbeat_interval_reconnects_instead_of_failing()
    {
        await using var bot = await BotHarness.StartAsync();
        var first = await bot.Discord.NextConnectionAsync();
        await first.SendAsync(new { op = 10, d = new { heartbeat_interval = "soon" } });
        Assert.NotNull(await first.Closed.WaitAsync(FakeDiscord.Timeout));

        var (_, identify) = await bot.AcceptAsync();
        Assert.Equal(2, identify.GetProperty("op").GetInt32());
        Assert.False(bot.Gateway.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task Failed_command_registration_is_retried_with_backoff()
    {
        await using var bot = await BotHarness.StartAsync();
        var puts = 0;
        bot.Discord.Reply = r => r.Method == "PUT" && Interlocked.Increment(ref puts) == 1
            ? new FakeReply(403, """{"message":"Missing Access","code":50001}""")
            : null;
        await bot.ReadyAsync();

        await bot.Discord.NextRequestAsync("PUT", "/applications/");
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(30 * 0.75));
        var retry = await bot.Discord.NextRequestAsync("PUT", "/applications/");

        Assert.Equal($"/applications/{FakeIds.Application}/commands", retry.Path);
        Assert.Equal(2, Volatile.Read(ref puts));
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3021);
    }
}
