using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Tests.Cli;

/// <summary>
/// The real program, run as an operator (or systemd) runs it, against stand-ins that refuse its tokens: when every
/// configured platform has failed permanently the process exits on its own with code 1 and one line naming why, so a
/// supervisor can restart it or alert.
/// </summary>
public sealed class ExitCodeTests : IAsyncLifetime
{
    /// <summary>
    /// Start-up builds the corpus index; the whole run is far shorter, but a regression must fail, not hang. Below
    /// <c>.ci/run</c>'s <c>--blame-hang-timeout 2min</c>, so this test's own message and its Kill of the child come first, not a
    /// hang dump that leaves the child running.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private const string TelegramToken = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz";
    private const string DiscordToken = "discord-test-token";
    private const string AllFailedLine = "Every chat platform failed permanently; exiting with code 1";

    private readonly string _dir = Directory.CreateTempSubdirectory("bubblebot-exit-").FullName;
    private WebApplication _fake = null!;
    private string _baseUrl = string.Empty;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        _fake = builder.Build();
        _fake.UseWebSockets();

        // Telegram: deleteWebhook (polling's first call) goes through; getMe is refused as Telegram refuses a revoked token.
        _fake.Map("/bot{token}/{method}", (HttpContext context, string method) => method == "deleteWebhook"
            ? WriteAsync(context, 200, """{"ok":true,"result":true}""")
            : WriteAsync(context, 401, """{"ok":false,"error_code":401,"description":"Unauthorized"}"""));

        // Discord: the gateway URL is given out, then the gateway closes with 4004 (authentication failed) after Identify.
        _fake.MapGet("/api/v10/gateway/bot", (HttpContext context) => WriteAsync(context, 200, $$$"""
            {"url":"{{{_baseUrl.Replace("http://", "ws://", StringComparison.Ordinal)}}}/gateway","shards":1,
             "session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":1}}
            """));
        _fake.Map("/gateway", RefuseIdentifyAsync);
        await _fake.StartAsync();
        _baseUrl = _fake.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        await _fake.StopAsync();
        await _fake.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_rejected_Telegram_token_as_the_only_platform_ends_the_process_with_exit_code_1_and_one_line()
    {
        var run = await RunBotAsync(new()
        {
            ["Telegram__Token"] = TelegramToken,
            ["Telegram__ApiBaseUrl"] = _baseUrl,
        });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines, l => l.Contains(AllFailedLine, StringComparison.Ordinal));
        Assert.StartsWith("crit: ", line);
        Assert.Contains("(Telegram: 401 on getMe: Telegram:Token is wrong or was revoked)", line);
        Assert.DoesNotContain(TelegramToken, run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    /// <summary>With a web server (webhook and /healthz) the host is a WebApplication: its exit code must come through too.</summary>
    [Fact]
    public async Task A_rejected_token_in_webhook_mode_ends_the_web_host_with_exit_code_1()
    {
        var run = await RunBotAsync(new()
        {
            ["Telegram__Token"] = TelegramToken,
            ["Telegram__ApiBaseUrl"] = _baseUrl,
            ["Telegram__WebhookUrl"] = "https://bot.example.org/telegram/webhook",
            ["Telegram__WebhookSecret"] = "s3cret-Webhook_token",
            ["Urls"] = "http://127.0.0.1:0",
        });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines, l => l.Contains(AllFailedLine, StringComparison.Ordinal));
        Assert.Contains("(Telegram: 401 on setWebhook: Telegram:Token is wrong or was revoked)", line);
    }

    [Fact]
    public async Task Telegram_and_Discord_both_refused_end_the_process_with_exit_code_1_and_one_line_naming_both()
    {
        var run = await RunBotAsync(new()
        {
            ["Telegram__Token"] = TelegramToken,
            ["Telegram__ApiBaseUrl"] = _baseUrl,
            ["Discord__Token"] = DiscordToken,
            ["Discord__ApiBaseUrl"] = _baseUrl + "/api/v10",
        });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines, l => l.Contains(AllFailedLine, StringComparison.Ordinal));
        Assert.Contains("Discord: gateway closed with 4004", line);
        Assert.Contains("Telegram: 401 on getMe", line);
        Assert.DoesNotContain(DiscordToken, run.Stderr);
    }

    private static async Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    private static async Task RefuseIdentifyAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var hello = Encoding.UTF8.GetBytes("""{"op":10,"d":{"heartbeat_interval":45000}}""");
        await socket.SendAsync(hello, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);

        // Wait for the Identify (one whole message), then refuse it as Discord refuses a wrong token.
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, context.RequestAborted);
        }
        while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

        if (received.MessageType != WebSocketMessageType.Close)
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)4004, "Authentication failed.", context.RequestAborted);
        }
    }

    /// <summary>
    /// Runs the built program with no command (the bot) from a folder of its own, with an empty settings file, so the
    /// checkout's own settings and any user secrets cannot add a platform: only the environment given here counts.
    /// </summary>
    private async Task<ProcessRun> RunBotAsync(Dictionary<string, string> environment)
    {
        var settings = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(settings, "{}");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BubbleBot.dll"));
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(settings);
        start.ArgumentList.Add($"--Corpus:Path={RepositoryPaths.Corpus}");
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("Telegram__", StringComparison.Ordinal) || k.StartsWith("Discord__", StringComparison.Ordinal) || k.StartsWith("LLM__", StringComparison.Ordinal) || k is "Urls" or "ASPNETCORE_URLS").ToList())
        {
            start.Environment.Remove(inherited);
        }

        // Empty tokens outrank user secrets: only the platforms named below are configured.
        start.Environment["Telegram__Token"] = string.Empty;
        start.Environment["Discord__Token"] = string.Empty;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Bound);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The bot did not exit within {Bound.TotalSeconds} s after every platform refused its token.");
        }

        return new ProcessRun(process.ExitCode, await stdout, await stderr);
    }

    private sealed record ProcessRun(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
