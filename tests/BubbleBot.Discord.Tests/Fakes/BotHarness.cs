using BubbleBot.Core;
using BubbleBot.Core.Corpus;
using BubbleBot.Discord.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BubbleBot.Discord.Tests.Fakes;

/// <summary>
/// The real adapter over the real core and corpus, in a Generic Host, pointed at a <see cref="FakeDiscord"/>,
/// with time, jitter and logs under the test's control.
/// </summary>
public sealed class BotHarness : IAsyncDisposable
{
    public const string Token = "test-token.abc";
    public const int HeartbeatMs = 40_000;

    private BotHarness(FakeDiscord discord, IHost host, SignalingTimeProvider time)
    {
        Discord = discord;
        Host = host;
        Time = time;
    }

    public FakeDiscord Discord { get; }

    public IHost Host { get; }

    public SignalingTimeProvider Time { get; }

    public FakeLogCollector Logs => Host.Services.GetFakeLogCollector();

    public IArticleCatalog Catalog => Host.Services.GetRequiredService<IArticleCatalog>();

    internal DiscordGatewayService Gateway => Host.Services.GetServices<IHostedService>().OfType<DiscordGatewayService>().Single();

    public static async Task<BotHarness> StartAsync(
        IDictionary<string, string?>? settings = null, bool start = true, double jitter = 0.5, Action<IServiceCollection>? services = null)
    {
        var discord = await FakeDiscord.StartAsync();
        var time = new SignalingTimeProvider();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var config = new Dictionary<string, string?>
        {
            ["Corpus:Path"] = RepositoryPaths.Corpus,
            ["Discord:Token"] = Token,
            ["Discord:ApiBaseUrl"] = discord.ApiBaseUrl,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IGatewayJitter>(new FixedJitter(jitter));
        builder.AddBubbleBotCore();
        builder.AddDiscord();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        var harness = new BotHarness(discord, host, time);
        if (start)
        {
            await host.StartAsync();
        }

        return harness;
    }

    /// <summary>Accepts the adapter's connection, sends Hello and returns the connection and its Identify or Resume.</summary>
    public async Task<(FakeGatewayConnection Connection, System.Text.Json.JsonElement First)> AcceptAsync()
    {
        var connection = await Discord.NextConnectionAsync();
        await connection.SendHelloAsync(HeartbeatMs);
        var first = await connection.ReceiveAsync();
        return (connection, first);
    }

    /// <summary>A connection with a READY session (sequence 1), fully processed by the adapter.</summary>
    public async Task<FakeGatewayConnection> ReadyAsync()
    {
        var (connection, _) = await AcceptAsync();
        await connection.SendReadyAsync(1, resumeUrl: Discord.ResumeUrl);
        await connection.SyncAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Host.Dispose();
            await Discord.DisposeAsync();
        }
    }
}
