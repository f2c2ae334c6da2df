using BubbleBot.Telegram.Configuration;
using BubbleBot.Telegram.Handling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;

namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// Hands updates from polling or the webhook to <see cref="UpdateHandler"/>: updates of one chat one after the other
/// (a keyed serial queue), different chats concurrently. A repeated update_id is dropped, a failing update is logged
/// and never stops anything, each update's handling is limited to <c>Telegram:UpdateTimeoutSeconds</c> (then given up,
/// so one stuck answer holds up its own chat for at most that long), and <see cref="DrainAsync"/> lets answers in
/// flight finish on shutdown.
/// </summary>
internal sealed class UpdateDispatcher(
    IServiceScopeFactory scopes,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<UpdateDispatcher> logger) : IDisposable
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

        // The limit starts when this update's turn comes, not when it was queued behind the chat's earlier ones.
        var timeout = TimeSpan.FromSeconds(options.Value.UpdateTimeoutSeconds);
        var limit = new CancellationTokenSource(timeout, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, limit.Token);
        var handling = HandleInScopeAsync(update, linked.Token);
        try
        {
            // WaitAsync gives up even on a handler that does not observe the token; it keeps running detached, with
            // its token cancelled, so it cannot send anything any more.
            await handling.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            Log.UpdateTimedOut(logger, update.Id, timeout.TotalSeconds);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // The shutdown timeout ran out; DrainAsync has logged how many answers were cancelled.
        }
        catch (Exception exception)
        {
            Log.UpdateFailed(logger, exception, update.Id);
        }
        finally
        {
            // A detached handler may still hold the tokens: release them (and observe its outcome) when it ends.
            _ = handling.ContinueWith(
                done =>
                {
                    _ = done.Exception;
                    linked.Dispose();
                    limit.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task HandleInScopeAsync(Update update, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<UpdateHandler>();
        await handler.HandleAsync(update, cancellationToken).ConfigureAwait(false);
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
