using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BubbleBot.Core.Tests.Chat;

/// <summary>The shared answering stage, adapter health with the exit-on-all-failed watchdog, and memory pruning.</summary>
public sealed class AdapterStageTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stage_limits_each_user_to_their_share_and_says_busy_when_full()
    {
        using var stage = Stage(capacity: 3, perUser: 2, concurrent: 1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        Func<CancellationToken, Task> held = async ct =>
        {
            Interlocked.Increment(ref started);
            await release.Task.WaitAsync(ct);
        };

        Assert.Equal(Admission.Accepted, stage.TryRun("a", held));
        Assert.Equal(Admission.Accepted, stage.TryRun("a", held));
        Assert.Equal(Admission.Busy, stage.TryRun("a", held)); // a's share is full
        Assert.Equal(Admission.Accepted, stage.TryRun("b", held)); // b still gets in
        Assert.Equal(Admission.Busy, stage.TryRun("c", held)); // the stage is full

        release.SetResult();
        Assert.Equal(0, await stage.DrainAsync(CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(3, started);
        Assert.Equal(Admission.Closed, stage.TryRun("d", held));
    }

    [Fact]
    public async Task Stage_runs_at_most_max_concurrent_at_once()
    {
        using var stage = Stage(capacity: 10, perUser: 1, concurrent: 2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var peak = 0;
        var twoRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(Admission.Accepted, stage.TryRun("u" + i, async ct =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                if (now == 2)
                {
                    twoRunning.TrySetResult();
                }

                await release.Task.WaitAsync(ct);
                Interlocked.Decrement(ref running);
            }));
        }

        await twoRunning.Task.WaitAsync(Bound);
        release.SetResult();
        await stage.DrainAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task Drain_cancels_work_left_after_the_deadline_so_it_can_apologise()
    {
        var time = new FakeTimeProvider();
        using var stage = Stage(capacity: 10, perUser: 2, concurrent: 1, drainSeconds: 15, time: time);
        var cancelled = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<CancellationToken, Task> stuck = async ct =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
            }
        };
        stage.TryRun("a", stuck);
        stage.TryRun("b", stuck); // waits for the single slot
        await started.Task.WaitAsync(Bound);

        var drain = stage.DrainAsync(CancellationToken.None);
        Assert.False(drain.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(2, await drain.WaitAsync(Bound));
        Assert.Equal(2, cancelled);
    }

    [Fact]
    public async Task Watchdog_stops_the_host_with_exit_code_1_only_when_every_adapter_failed()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddChatAdapter("Telegram");
        builder.Services.AddChatAdapter("Discord");
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Bound);
        var health = host.Services.GetRequiredService<AdapterHealth>();
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        Assert.All(health.Snapshot, s => Assert.Equal(AdapterState.Starting, s.State));
        health.Report("Telegram", AdapterState.FailedPermanently, "401 Unauthorized");
        health.Report("Discord", AdapterState.Reconnecting);
        Assert.False(health.AllFailed.IsCompleted);
        Assert.Equal(0, health.ExitCode);

        health.Report("Discord", AdapterState.FailedPermanently, "gateway closed with 4004");
        Assert.Equal("Discord: gateway closed with 4004; Telegram: 401 Unauthorized", await health.AllFailed.WaitAsync(Bound));
        var cancelled = new TaskCompletionSource();
        stopping.Register(() => cancelled.TrySetResult());
        await cancelled.Task.WaitAsync(Bound);
        Assert.Equal(1, health.ExitCode);

        // A permanent failure stays one: a late report from a loop winding down does not hide it.
        health.Report("Discord", AdapterState.Reconnecting);
        Assert.Equal(AdapterState.FailedPermanently, health.StateOf("Discord"));
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public void Memory_past_the_threshold_does_not_rescan_on_every_write()
    {
        var time = new FakeTimeProvider();
        var memory = new ConversationMemory(time);
        for (var i = 0; i < 1500; i++)
        {
            memory.Remember("c" + i, new ConversationTurn("q", "a"));
        }

        // Past 1,024 conversations: one scan, not one per write (the old code scanned 477 times here).
        Assert.Equal(1, memory.PruneScans);

        // Once a minute has passed, expired conversations are dropped by the next write's scan.
        time.Advance(ConversationMemory.Expiry + TimeSpan.FromMinutes(1));
        memory.Remember("fresh", new ConversationTurn("q", "a"));
        Assert.Equal(2, memory.PruneScans);
        Assert.Equal(1, memory.Count);
    }

    private static AnsweringStage Stage(int capacity, int perUser, int concurrent, int drainSeconds = 15, TimeProvider? time = null) =>
        new(Options.Create(new AnsweringStageOptions { Capacity = capacity, PerUser = perUser, MaxConcurrent = concurrent, DrainSeconds = drainSeconds }),
            time ?? TimeProvider.System);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
