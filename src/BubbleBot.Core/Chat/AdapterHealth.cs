using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Chat;

/// <summary>What a chat adapter is doing now.</summary>
public enum AdapterState
{
    Starting,
    Connected,
    Reconnecting,

    /// <summary>It cannot recover without a configuration change (a rejected token, disallowed intents).</summary>
    FailedPermanently,
}

/// <summary>One adapter's state and, when it failed, why (one line, never a secret).</summary>
public sealed record AdapterStatus(string Adapter, AdapterState State, string? Reason);

/// <summary>The adapters configured in this process; each adapter's <c>AddX</c> adds its name.</summary>
public sealed class AdapterHealthOptions
{
    public List<string> Adapters { get; } = [];
}

/// <summary>
/// Every configured chat adapter's state, as the adapters report it. When every one of them has failed permanently
/// <see cref="AllFailed"/> completes (with the reasons), so the host can exit non-zero and a supervisor (systemd, a
/// container runtime) can restart it or alert, instead of a process that stays up doing nothing.
/// </summary>
public sealed class AdapterHealth
{
    private readonly ConcurrentDictionary<string, AdapterStatus> _states = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _allFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AdapterHealth(IOptions<AdapterHealthOptions> options)
    {
        foreach (var adapter in options.Value.Adapters)
        {
            _states.TryAdd(adapter, new AdapterStatus(adapter, AdapterState.Starting, null));
        }
    }

    /// <summary>Completes with a one-line reason once every configured adapter has failed permanently.</summary>
    public Task<string> AllFailed => _allFailed.Task;

    /// <summary>The exit code the process should end with: 1 when every adapter failed permanently, else 0.</summary>
    public int ExitCode => _allFailed.Task.IsCompleted ? 1 : 0;

    public IReadOnlyList<AdapterStatus> Snapshot => [.. _states.Values.OrderBy(s => s.Adapter, StringComparer.Ordinal)];

    public AdapterState? StateOf(string adapter) => _states.TryGetValue(adapter, out var status) ? status.State : null;

    public void Report(string adapter, AdapterState state, string? reason = null)
    {
        // A permanent failure is final: a late "reconnecting" from a loop that is winding down must not hide it.
        _states.AddOrUpdate(
            adapter,
            new AdapterStatus(adapter, state, reason),
            (_, old) => old.State == AdapterState.FailedPermanently ? old : new AdapterStatus(adapter, state, reason));

        var all = _states.Values.ToList();
        if (all.Count > 0 && all.TrueForAll(s => s.State == AdapterState.FailedPermanently))
        {
            _allFailed.TrySetResult(string.Join("; ", all.OrderBy(s => s.Adapter, StringComparer.Ordinal).Select(s => $"{s.Adapter}: {s.Reason}")));
        }
    }
}

/// <summary>Stops the host, with exit code 1, when every configured chat adapter has failed permanently.</summary>
public sealed partial class AdapterWatchdog(AdapterHealth health, IHostApplicationLifetime lifetime, ILogger<AdapterWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string reason;
        try
        {
            reason = await health.AllFailed.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // The host returns AdapterHealth.ExitCode once stopped (Main's return value decides the exit code).
        Log.AllFailed(logger, reason);
        lifetime.StopApplication();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1010, Level = LogLevel.Critical, Message = "Every chat platform failed permanently; exiting with code 1 ({Reason})")]
        public static partial void AllFailed(ILogger logger, string reason);
    }
}

public static class AdapterHealthServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="adapter"/> with the shared health registry, the watchdog, and the shared answering
    /// stage (all added once, whichever adapter comes first).
    /// </summary>
    public static IServiceCollection AddChatAdapter(this IServiceCollection services, string adapter)
    {
        services.Configure<AdapterHealthOptions>(o =>
        {
            if (!o.Adapters.Contains(adapter))
            {
                o.Adapters.Add(adapter);
            }
        });
        services.TryAddSingleton<AdapterHealth>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AdapterWatchdog>());
        services.AddOptions<AnsweringStageOptions>().BindConfiguration(AnsweringStageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AnsweringStage>();
        return services;
    }
}
