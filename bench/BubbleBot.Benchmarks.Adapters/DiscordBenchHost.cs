using BubbleBot.Core;
using BubbleBot.Discord;
using BubbleBot.Discord.Tests.Fakes;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// The real Discord adapter over the real core (as the tests' BotHarness builds it), but on the system clock — these
/// are benchmarks, not tests — with the given answer layer, connected to the fake gateway and past READY.
/// </summary>
internal static class DiscordBenchHost
{
    public static async Task<(IHost Host, FakeGatewayConnection Connection)> StartAsync(
        FakeDiscord fake, Action<IServiceCollection> answers, LogLevel minimumLevel = LogLevel.Information)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Corpus:Path"] = TestHosts.CorpusPath,
            ["Discord:Token"] = BotHarness.Token,
            ["Discord:ApiBaseUrl"] = fake.ApiBaseUrl,
            ["RateLimit:PerUserPerMinute"] = "1000",
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.AddBubbleBotCore();
        builder.AddDiscord();
        answers(builder.Services);
        var host = builder.Build();
        await host.StartAsync();

        // Hello with a heartbeat interval far longer than the run, so no heartbeat (which the fake would not acknowledge)
        // falls inside it; then Identify → READY, and a heartbeat round trip to know READY has been processed.
        var connection = await fake.NextConnectionAsync();
        await connection.SendHelloAsync(3_600_000);
        await connection.ReceiveAsync(2);
        await connection.SendReadyAsync(1, resumeUrl: fake.ResumeUrl);
        await connection.SyncAsync();
        return (host, connection);
    }
}
