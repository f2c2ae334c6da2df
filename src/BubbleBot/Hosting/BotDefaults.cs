using System.Text.Json;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BubbleBot.Hosting;

/// <summary>
/// The cross-cutting setup every entry point shares, in one place (as eShop's ServiceDefaults): logging, health checks
/// and the defaults of every HttpClient. Adapters register only what is their own.
/// </summary>
public static class BotDefaults
{
    public const string HealthPath = "/healthz";

    /// <summary>The host's own category, whose "Hosting failed to start" line repeats, with a stack trace, the error the CLI prints in one line.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static IHostApplicationBuilder AddBotDefaults(this IHostApplicationBuilder builder, LogLevel minimum)
    {
        // Logs go to standard error, always: standard output belongs to answers. Logging:Console:FormatterName=json
        // switches to one JSON object per line for log shippers.
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(minimum);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        if (!IsDebug(builder.Configuration))
        {
            builder.Logging.AddFilter(HostCategory, LogLevel.Critical);

            // Provider-specific rules outrank the rule above (the console chat adds one), so state it for the console too.
            builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(HostCategory, LogLevel.Critical);
        }

        // Tokens are part of Telegram's and Discord's request URLs: no HttpClient logs its requests unless it opts in.
        // No standard resilience handler either: each adapter owns its retry rules (429 retry_after, back-off), and the
        // model path has its own deadline and extractive fallback.
        builder.Services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers());

        builder.Services.AddHealthChecks()
            .AddCheck<CorpusHealthCheck>("corpus")
            .AddCheck<AdaptersHealthCheck>("adapters");
        return builder;
    }

    /// <summary><c>Logging:LogLevel:Default=Debug</c> (or Trace) brings back the host's own error lines and stack traces.</summary>
    public static bool IsDebug(IConfiguration configuration) =>
        Enum.TryParse<LogLevel>(configuration["Logging:LogLevel:Default"], ignoreCase: true, out var level) && level <= LogLevel.Debug;

    /// <summary>GET /healthz: 200 with each check's state and figures while healthy, 503 otherwise.</summary>
    public static WebApplication MapBotHealth(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteJsonAsync });
        return app;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}

/// <summary>The corpus snapshot answering questions: its version (one more per reload), articles and chunks.</summary>
internal sealed class CorpusHealthCheck(CorpusSnapshots snapshots) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = snapshots.Current;
        var data = new Dictionary<string, object>
        {
            ["index_version"] = current.Version,
            ["articles"] = current.Catalog.Articles.Count,
            ["chunks"] = current.Index.Chunks.Count,
            ["loaded_at"] = current.LoadedAt.ToString("O"),
        };
        return Task.FromResult(HealthCheckResult.Healthy($"{current.Catalog.Articles.Count} articles", data));
    }
}

/// <summary>
/// Every configured chat adapter as <see cref="AdapterHealth"/> holds it (the one source of adapter state, shared with
/// the watchdog that ends the process when all have failed), with any figures its <see cref="IHealthContributor"/>
/// adds. Unhealthy (503) when an adapter has failed permanently: it needs a configuration change, even while another
/// platform still serves. Degraded (still 200) while one is starting or reconnecting: it is expected to come back.
/// </summary>
internal sealed class AdaptersHealthCheck(
    IEnumerable<IHealthContributor> contributors,
    IEnumerable<ChatPlatform> platforms,
    AdapterHealth? health = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["platforms"] = platforms.Select(p => p.Name).ToArray() };
        var states = health?.Snapshot ?? [];
        if (states.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no chat platform configured (console chat)", data));
        }

        var figures = contributors.ToLookup(c => c.Adapter, StringComparer.Ordinal);
        foreach (var status in states)
        {
            var entry = new Dictionary<string, object?> { ["state"] = Name(status.State), ["reason"] = status.Reason };
            foreach (var contributor in figures[status.Adapter])
            {
                foreach (var (key, value) in contributor.Figures())
                {
                    entry[key] = value;
                }
            }

            data[status.Adapter] = entry;
        }

        var description = string.Join("; ", states.Select(s => $"{s.Adapter}: {Name(s.State)}"));
        HealthCheckResult result = states.Any(s => s.State == AdapterState.FailedPermanently)
            ? HealthCheckResult.Unhealthy(description, data: data)
            : states.All(s => s.State == AdapterState.Connected)
                ? HealthCheckResult.Healthy(description, data)
                : HealthCheckResult.Degraded(description, data: data);
        return Task.FromResult(result);
    }

    /// <summary>The state as it appears in the JSON: <c>starting</c>, <c>connected</c>, <c>reconnecting</c>, <c>failed_permanently</c>.</summary>
    internal static string Name(AdapterState state) => state switch
    {
        AdapterState.Starting => "starting",
        AdapterState.Connected => "connected",
        AdapterState.Reconnecting => "reconnecting",
        AdapterState.FailedPermanently => "failed_permanently",
        _ => state.ToString(),
    };
}
