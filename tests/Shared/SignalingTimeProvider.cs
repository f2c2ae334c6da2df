using Microsoft.Extensions.Time.Testing;

namespace BubbleBot.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer the adapter creates, so a test can wait until the
/// code under test is waiting (for a heartbeat, a retry_after, a backoff, a time limit) and only then move time on.
/// Shared by every test project; no test sleeps.
/// </summary>
public sealed class SignalingTimeProvider : FakeTimeProvider
{
    /// <summary>How long a test waits for the code under test to start a timer before failing.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);

    private readonly List<TimeSpan> _created = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SignalingTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource changed;
        lock (_created)
        {
            _created.Add(dueTime);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return timer;
    }

    /// <summary>Waits until a timer with exactly <paramref name="dueTime"/> has been created, and marks it seen.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var timeout = new CancellationTokenSource(WaitLimit);
        while (true)
        {
            Task changed;
            lock (_created)
            {
                if (_created.Remove(dueTime))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(timeout.Token);
        }
    }

    /// <summary>Waits for the adapter to wait <paramref name="dueTime"/>, then lets exactly that much time pass.</summary>
    public async Task AdvanceWhenWaitingAsync(TimeSpan dueTime)
    {
        await WaitForTimerAsync(dueTime);
        Advance(dueTime);
    }
}
