using System.Net;
using System.Text.Json.Nodes;
using BubbleBot.Core;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Health;
using BubbleBot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Tests.Hosting;

/// <summary>
/// <c>GET /healthz</c> as docs/deploy.md describes it: the corpus check, and each configured adapter's state and reason
/// from <see cref="AdapterHealth"/> (the registry the exit-code watchdog reads), with the adapter's own figures.
/// </summary>
public sealed class HealthEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Corpus:Path"] = RepositoryPaths.Corpus });
        builder.AddBotDefaults(LogLevel.Warning);
        builder.AddBubbleBotCore();
        foreach (var platform in new[] { "Telegram", "Discord" })
        {
            builder.Services.AddChatAdapter(platform);
            builder.Services.AddSingleton(new ChatPlatform(platform));
        }

        builder.Services.AddSingleton<IHealthContributor>(new Figures("Telegram", new Dictionary<string, object> { ["pending_updates"] = 3 }));
        _app = builder.Build();
        _app.MapBotHealth();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Adapters_are_reported_from_AdapterHealth_with_their_figures_and_a_permanent_failure_is_503()
    {
        var health = _app.Services.GetRequiredService<AdapterHealth>();

        // Starting: expected to come up, so degraded but still 200.
        var (status, body) = await GetAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body["status"]!.GetValue<string>());
        Assert.Equal("starting", Adapter(body, "Telegram")["state"]!.GetValue<string>());
        Assert.Equal(1, body["checks"]!["corpus"]!["data"]!["index_version"]!.GetValue<int>());

        health.Report("Telegram", AdapterState.Connected);
        health.Report("Discord", AdapterState.Connected);
        (status, body) = await GetAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body["status"]!.GetValue<string>());
        var telegram = Adapter(body, "Telegram");
        Assert.Equal("connected", telegram["state"]!.GetValue<string>());
        Assert.Null(telegram["reason"]);
        Assert.Equal(3, telegram["pending_updates"]!.GetValue<int>());
        Assert.Equal(["Telegram", "Discord"], body["checks"]!["adapters"]!["data"]!["platforms"]!.AsArray().Select(p => p!.GetValue<string>()));

        // The same report the watchdog reads: one adapter failed for good is unhealthy, with its reason.
        health.Report("Discord", AdapterState.FailedPermanently, "gateway closed with 4004 (authentication failed)");
        (status, body) = await GetAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body["status"]!.GetValue<string>());
        var discord = Adapter(body, "Discord");
        Assert.Equal("failed_permanently", discord["state"]!.GetValue<string>());
        Assert.Equal("gateway closed with 4004 (authentication failed)", discord["reason"]!.GetValue<string>());
        Assert.Equal("connected", Adapter(body, "Telegram")["state"]!.GetValue<string>());
        Assert.Equal(0, health.ExitCode);
    }

    private static JsonNode Adapter(JsonNode body, string name) => body["checks"]!["adapters"]!["data"]![name]!;

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync()
    {
        using var response = await _http.GetAsync(BotDefaults.HealthPath).WaitAsync(Bound);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private sealed class Figures(string adapter, IReadOnlyDictionary<string, object> figures) : IHealthContributor
    {
        public string Adapter => adapter;

        IReadOnlyDictionary<string, object> IHealthContributor.Figures() => figures;
    }
}
