namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// The getUpdates offset under concurrent handling: it only moves past an update once that update was handled, so
/// the offset is the lowest unfinished update_id, or one past the highest received when nothing is in flight. An
/// update is finished when its dispatcher task completes: answered, failed (logged), or given up by the update time limit.
/// </summary>
internal sealed class OffsetTracker
{
    private readonly Lock _gate = new();
    private readonly SortedSet<int> _pending = [];
    private int _next;
    private TaskCompletionSource _progress = NewSignal();

    public int? Offset
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count > 0 ? _pending.Min : _next == 0 ? null : _next;
            }
        }
    }

    public bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count > 0;
            }
        }
    }

    /// <summary>Notes a delivered update (new or repeated) so the offset can move past it.</summary>
    public void Received(int updateId)
    {
        lock (_gate)
        {
            _next = Math.Max(_next, updateId + 1);
        }
    }

    /// <summary>Holds the offset at <paramref name="updateId"/> until <paramref name="handling"/> completes.</summary>
    public void Track(int updateId, Task handling)
    {
        lock (_gate)
        {
            _pending.Add(updateId);
        }

        _ = handling.ContinueWith(_ => Complete(updateId), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when any tracked update finishes after this call.</summary>
    public Task NextProgress()
    {
        lock (_gate)
        {
            return _progress.Task;
        }
    }

    private void Complete(int updateId)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _pending.Remove(updateId);
            signal = _progress;
            _progress = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
