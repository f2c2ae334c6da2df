using System.Net.WebSockets;
using BubbleBot.Core.Chat;
using BubbleBot.Discord.Gateway;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Tests;

/// <summary>The real gateway client against a fake gateway: handshake, heartbeats, resume and fatal closes.</summary>
public sealed class GatewayTests
{
    [Theory]
    [InlineData(false, (1 << 0) | (1 << 9) | (1 << 12))]
    [InlineData(true, (1 << 0) | (1 << 9) | (1 << 12) | (1 << 15))]
    public async Task Identify_carries_token_and_intents(bool messageContent, int expectedIntents)
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Discord:MessageContentIntent"] = messageContent.ToString() });

        var gatewayBot = await bot.Discord.NextRequestAsync("GET", "/gateway/bot");
        var (connection, identify) = await bot.AcceptAsync();

        Assert.Equal("Bot " + BotHarness.Token, gatewayBot.Headers["Authorization"]);
        Assert.Equal("DiscordBot (https://github.com/bubblebot, 1.0)", gatewayBot.Headers["User-Agent"]);
        Assert.StartsWith("/gateway?v=10&encoding=json", connection.Path);
        Assert.Equal(2, identify.GetProperty("op").GetInt32());
        var d = identify.GetProperty("d");
        Assert.Equal(BotHarness.Token, d.GetProperty("token").GetString());
        Assert.Equal(expectedIntents, d.GetProperty("intents").GetInt32());
        Assert.Equal("bubblebot", d.GetProperty("properties").GetProperty("browser").GetString());
    }

    [Fact]
    public async Task Heartbeats_follow_the_interval_with_the_last_sequence()
    {
        await using var bot = await BotHarness.StartAsync(jitter: 0.25);
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("GUILD_CREATE", 5, new { id = FakeIds.Guild });
        var requested = await connection.SyncAsync();
        Assert.Equal(5, requested.GetProperty("d").GetInt64());

        // First beat after interval × jitter, then every interval while ACKs come back.
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromMilliseconds(BotHarness.HeartbeatMs * 0.25));
        var first = await connection.ReceiveAsync();
        Assert.Equal(1, first.GetProperty("op").GetInt32());
        Assert.Equal(5, first.GetProperty("d").GetInt64());
        await connection.SendAsync(new { op = 11 });
        // The ACK is processed before time moves on (sync barrier below).
        await connection.SendDispatchAsync("GUILD_CREATE", 6, new { id = FakeIds.Guild });
        await connection.SyncAsync();
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromMilliseconds(BotHarness.HeartbeatMs));
        var second = await connection.ReceiveAsync();
        Assert.Equal(1, second.GetProperty("op").GetInt32());
        Assert.Equal(6, second.GetProperty("d").GetInt64());
        await connection.SendAsync(new { op = 11 });
        await connection.SyncAsync();

        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromMilliseconds(BotHarness.HeartbeatMs));
        Assert.Equal(1, (await connection.ReceiveAsync()).GetProperty("op").GetInt32());
        Assert.Equal(1, bot.Discord.ConnectionCount);
    }

    [Fact]
    public async Task Missing_ack_drops_the_connection_and_resumes_on_a_new_one()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("GUILD_CREATE", 3, new { id = FakeIds.Guild });
        await connection.SyncAsync();

        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromMilliseconds(BotHarness.HeartbeatMs * 0.5));
        await connection.ReceiveAsync(1);
        // No ACK: at the next beat the connection is a zombie.
        await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromMilliseconds(BotHarness.HeartbeatMs));

        var closed = await connection.Closed.WaitAsync(FakeDiscord.Timeout);
        Assert.NotEqual(WebSocketCloseStatus.NormalClosure, closed);
        var (resumed, resume) = await bot.AcceptAsync();
        Assert.StartsWith("/resume?v=10&encoding=json", resumed.Path);
        AssertResume(resume, 3);
    }

    [Fact]
    public async Task Reconnect_opcode_resumes_with_session_and_last_sequence()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("GUILD_CREATE", 7, new { id = FakeIds.Guild });
        await connection.SendAsync(new { op = 7, d = (object?)null });

        var closed = await connection.Closed.WaitAsync(FakeDiscord.Timeout);
        Assert.NotEqual(WebSocketCloseStatus.NormalClosure, closed);
        var (resumed, resume) = await bot.AcceptAsync();
        Assert.StartsWith("/resume", resumed.Path);
        AssertResume(resume, 7);

        // After RESUMED the new connection carries on with events as usual.
        await resumed.SendDispatchAsync("RESUMED", 8, new { });
        Assert.Equal(8, (await resumed.SyncAsync()).GetProperty("d").GetInt64());
    }

    [Fact]
    public async Task Invalid_session_not_resumable_identifies_afresh_after_a_pause()
    {
        await using var bot = await BotHarness.StartAsync(jitter: 0.5);
        var connection = await bot.ReadyAsync();
        await connection.SendAsync(new { op = 9, d = false });
        await connection.Closed.WaitAsync(FakeDiscord.Timeout);

        // Op 9 asks for 1–5 s (here 3 s with jitter 0.5); the fresh-session backoff (5 s × 0.75) and the 5 s between
        // Identifies are longer, so the single wait before the new connection is 5 s. The adapter's close of the old
        // connection also arms a 5 s close timeout: both timers exist before time moves.
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, bot.Discord.ConnectionCount);
        bot.Time.Advance(TimeSpan.FromSeconds(5));
        var (fresh, identify) = await bot.AcceptAsync();
        Assert.StartsWith("/gateway", fresh.Path);
        Assert.Equal(2, identify.GetProperty("op").GetInt32());
    }

    [Fact]
    public async Task Authentication_failure_stops_the_adapter_and_as_the_only_platform_stops_the_host_with_exit_code_1()
    {
        await using var bot = await BotHarness.StartAsync();
        var (connection, _) = await bot.AcceptAsync();
        await connection.CloseAsync(4004, "Authentication failed.");

        await bot.Gateway.ExecuteTask!.WaitAsync(FakeDiscord.Timeout);

        Assert.Equal(1, bot.Discord.ConnectionCount);
        var fatal = Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 3008);
        Assert.Equal(LogLevel.Error, fatal.Level);
        Assert.Contains("4004", fatal.Message);
        Assert.DoesNotContain(BotHarness.Token, string.Join('\n', bot.Logs.GetSnapshot().Select(r => r.Message)));

        // Discord is the only configured platform: the host stops, the exit code says it failed, one line says why.
        var health = bot.Host.Services.GetRequiredService<AdapterHealth>();
        Assert.Equal(AdapterState.FailedPermanently, health.StateOf(DiscordGatewayService.AdapterName));
        await bot.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.WhenCancelledAsync().WaitAsync(FakeDiscord.Timeout);
        Assert.Equal(1, health.ExitCode);
        var exit = Assert.Single(bot.Logs.GetSnapshot(), r => r.Id.Id == 1010);
        Assert.Contains("4004", exit.Message);
    }

    [Fact]
    public async Task Other_close_codes_reconnect_and_resume()
    {
        await using var bot = await BotHarness.StartAsync();
        var connection = await bot.ReadyAsync();
        await connection.CloseAsync(4000, "Unknown error");

        var (resumed, resume) = await bot.AcceptAsync();
        Assert.StartsWith("/resume", resumed.Path);
        AssertResume(resume, 1);
    }

    private static void AssertResume(System.Text.Json.JsonElement resume, long sequence)
    {
        Assert.Equal(6, resume.GetProperty("op").GetInt32());
        var d = resume.GetProperty("d");
        Assert.Equal(BotHarness.Token, d.GetProperty("token").GetString());
        Assert.Equal(FakeIds.Session, d.GetProperty("session_id").GetString());
        Assert.Equal(sequence, d.GetProperty("seq").GetInt64());
    }
}
