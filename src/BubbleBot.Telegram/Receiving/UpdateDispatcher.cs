using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telegram.Bot.Types;
using BubbleBot.Telegram.Handling;

namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// Hands updates from polling or the webhook to <see cref="UpdateHandler"/>: updates of one chat one after the other
/// (a keyed serial queue), different chats concurrently. A repeated update_id is dropped, a failing update is logged
/// and never stops anything, and <see cref="DrainAsync"/> lets answers in flight finish on shutdown.
/// </summary>
internal sealed class UpdateDispatcher(IServiceScopeFactory scopes, ILogger<UpdateDispatcher> logger) : IDisposable
{
    private const int RememberedIds = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Task> _tails = [];
    private readonly HashSet<Task> _inFlight = [];
    private readonly HashSet<int> _seen = [];
    private readonly Queue<int> _seenOrder = new();

    // Cancelled only when the host's shutdown timeout runs out while answers are still in flight.
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Queues an update; returns the task of its handling (which never faults), or null for a repeat.</summary>
    public Task? Enqueue(Update update)
    {
        lock (_gate)
        {
            if (!Remember(update.Id))
            {
                Log.DuplicateUpdate(logger, update.Id);
                return null;
            }

            var key = ChatKey(update);
            var previous = _tails.GetValueOrDefault(key) ?? Task.CompletedTask;
            var task = Task.Run(() => RunAfterAsync(previous, update));
            _tails[key] = task;
            _inFlight.Add(task);
            _ = task.ContinueWith(done => Forget(key, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return task;
        }
    }

    /// <summary>Waits for every queued update, cancelling them when <paramref name="cancellationToken"/> fires (the host's shutdown timeout).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _inFlight];
        }

        if (pending.Length == 0)
        {
            return;
        }

        Log.Draining(logger, pending.Length);
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.DrainAborted(logger, pending.Count(t => !t.IsCompleted));
            await _abort.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _abort.Dispose();

    private static long ChatKey(Update update) => update.Message?.Chat.Id ?? update.EditedMessage?.Chat.Id ?? 0;

    private async Task RunAfterAsync(Task previous, Update update)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<UpdateHandler>();
            await handler.HandleAsync(update, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.UpdateFailed(logger, exception, update.Id);
        }
    }

    private bool Remember(int updateId)
    {
        if (!_seen.Add(updateId))
        {
            return false;
        }

        _seenOrder.Enqueue(updateId);
        if (_seenOrder.Count > RememberedIds)
        {
            _seen.Remove(_seenOrder.Dequeue());
        }

        return true;
    }

    private void Forget(long key, Task done)
    {
        lock (_gate)
        {
            _inFlight.Remove(done);
            if (_tails.TryGetValue(key, out var tail) && tail == done)
            {
                _tails.Remove(key);
            }
        }
    }
}
