using System.Net.WebSockets;
using System.Text.Json;
using BubbleBot.Discord.Gateway;
using BubbleBot.Discord.Tests.Fakes;

namespace BubbleBot.Discord.Tests;

/// <summary>
/// Fault 1 and 2: a gateway that stalls the handshake (no upgrade, no Hello, no READY) is given up after a deadline and
/// retried; a resume URL that refuses connections is given up after a few tries for a fresh Identify on the main URL.
/// </summary>
public sealed class HandshakeTests
{
    [Fact]
    public async Task Gateway_that_never_sends_hello_is_dropped_after_the_hello_timeout_and_retried()
    {
        await using var bot = await BotHarness.StartAsync();
        var silent = await bot.Discord.NextConnectionAsync();

        await bot.Time.AdvanceWhenWaitingAsync(DiscordGatewayService.HelloTimeout);

        await silent.Closed.WaitAsync(FakeDiscord.Timeout);
        var (_, identify) = await bot.AcceptAsync();
        Assert.Equal(GatewayOpcode.Identify, identify.GetProperty("op").GetInt32());
        var timedOut = Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 3025);
        Assert.Contains("Hello", timedOut.Message);
        Assert.Contains("10 s", timedOut.Message);
    }

    [Fact]
    public async Task Stalled_websocket_upgrade_is_given_up_and_the_gateway_url_asked_again()
    {
        await using var bot = await BotHarness.StartAsync(start: false);
        bot.Discord.Reply = r => r.Method == "GET" && r.Number == 1
            ? new FakeReply(200, JsonSerializer.Serialize(new
            {
                url = bot.Discord.StalledGatewayUrl,
                session_start_limit = new { total = 1000, remaining = 999, reset_after = 0, max_concurrency = 1 },
            }))
            : null;
        await bot.Host.StartAsync();

        // The upgrade request has reached the gateway, which holds it unanswered; then the deadline passes.
        await bot.Discord.Stalled.WaitAsync(FakeDiscord.Timeout);
        await bot.Time.AdvanceWhenWaitingAsync(DiscordGatewayService.UpgradeTimeout);

        // Asked again for the gateway URL, then connected there and identified.
        var (connection, identify) = await bot.AcceptAsync();
        Assert.StartsWith("/gateway", connection.Path);
        Assert.Equal(GatewayOpcode.Identify, identify.GetProperty("op").GetInt32());
        Assert.Equal(1, bot.Discord.StalledCount);
        Assert.Equal(2, bot.Discord.Requests.Count(r => r.Path == "/gateway/bot"));
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3025 && r.Message.Contains("upgrade", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Identify_without_ready_is_dropped_after_the_ready_timeout_and_identifies_again_with_backoff()
    {
        await using var bot = await BotHarness.StartAsync();
        var (first, _) = await bot.AcceptAsync();

        await bot.Time.AdvanceWhenWaitingAsync(DiscordGatewayService.ReadyTimeout);
        await first.Closed.WaitAsync(FakeDiscord.Timeout);

        // A second Identify in a row waits the fresh-session back-off (5 s × 0.75).
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(3.75));
        var (_, identify) = await bot.AcceptAsync();
        Assert.Equal(GatewayOpcode.Identify, identify.GetProperty("op").GetInt32());
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3025 && r.Message.Contains("READY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusing_resume_url_falls_back_to_identify_on_the_main_gateway()
    {
        await using var bot = await BotHarness.StartAsync();
        var (connection, _) = await bot.AcceptAsync();
        await connection.SendReadyAsync(1, resumeUrl: FakeDiscord.RefusingUrl());
        await connection.SyncAsync();
        bot.Time.Advance(TimeSpan.FromSeconds(10)); // past the 5 s Identify spacing
        connection.Abort();

        // Resume attempts 1 and 2 go at once, the third after 1 s × 0.75; then the session is given up and the bot
        // identifies on the main gateway URL after the fresh-session back-off (5 s × 0.75).
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(0.75));
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(3.75));
        var (fresh, identify) = await bot.AcceptAsync();
        Assert.StartsWith("/gateway?v=10&encoding=json", fresh.Path);
        Assert.Equal(GatewayOpcode.Identify, identify.GetProperty("op").GetInt32());
        Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 3026);
        Assert.Equal(2, bot.Discord.ConnectionCount);
    }

    [Fact]
    public async Task Shutdown_sends_close_1000()
    {
        var bot = await BotHarness.StartAsync();
        try
        {
            var connection = await bot.ReadyAsync();
            await bot.Host.StopAsync().WaitAsync(FakeDiscord.Timeout);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(FakeDiscord.Timeout));
        }
        finally
        {
            await bot.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connection_failures_log_one_short_line_each_with_the_stack_trace_only_at_debug()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        connection.Abort();
        await bot.AcceptAsync();

        var lost = Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 3015);
        Assert.Null(lost.Exception);
        Assert.DoesNotContain('\n', lost.Message);
        Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3024 && r.Level == Microsoft.Extensions.Logging.LogLevel.Debug && r.Exception is not null);
    }
}
