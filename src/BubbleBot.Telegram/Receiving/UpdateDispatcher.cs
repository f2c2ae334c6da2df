using BubbleBot.Core.Chat;
using BubbleBot.Telegram.Configuration;
using BubbleBot.Telegram.Handling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;

namespace BubbleBot.Telegram.Receiving;

/// <summary>What became of an update handed to <see cref="UpdateDispatcher.Accept"/>.</summary>
internal enum Acceptance
{
    /// <summary>Taken (possibly needing nothing): it may be acknowledged to Telegram.</summary>
    Accepted,

    /// <summary>Seen before: acknowledge it, do nothing.</summary>
    Duplicate,

    /// <summary>No room (or the bot does not know who it is yet): do not acknowledge; Telegram delivers it again.</summary>
    Full,
}

/// <summary>
/// Takes updates from polling or the webhook. Admission happens on arrival (<see cref="TelegramAdmission"/>), then the
/// work is queued per chat: one chat's updates one after the other, different chats concurrently, answers in the shared
/// bounded <see cref="AnsweringStage"/>. The dispatcher itself is bounded (<see cref="MaxPending"/> updates, and
/// <see cref="MaxPerChat"/> per chat), so a burst cannot start unbounded work. An update is acknowledged once
/// accepted here, not once answered: one stuck chat never holds back the others (the trade-off, documented in
/// docs/telegram.md: a crash loses accepted updates still in flight; a graceful stop drains them).
/// Each update's handling is limited to <c>Telegram:UpdateTimeoutSeconds</c>.
/// </summary>
internal sealed class UpdateDispatcher(
    IServiceScopeFactory scopes,
    TelegramAdmission admission,
    BotIdentityProvider identity,
    AnsweringStage stage,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<UpdateDispatcher> logger) : IDisposable
{
    public const int MaxPending = 1024;
    public const int MaxPerChat = 32;
    private const int RememberedIds = 4096;
    private const long VoteLane = long.MinValue;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, (Task Tail, int Count)> _chats = [];
    private readonly HashSet<Task> _inFlight = [];
    private readonly HashSet<int> _seen = [];
    private readonly Queue<int> _seenOrder = new();
    private TaskCompletionSource _progress = NewSignal();

    // Cancelled only when the host's shutdown timeout runs out while answers are still in flight.
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Completes when any update finishes after this call (polling waits on it while full).</summary>
    public Task NextProgress()
    {
        lock (_gate)
        {
            return _progress.Task;
        }
    }

    public Acceptance Accept(Update update)
    {
        if (identity.Known is not { } bot)
        {
            return Acceptance.Full;
        }

        lock (_gate)
        {
            if (_seen.Contains(update.Id))
            {
                Log.DuplicateUpdate(logger, update.Id);
                return Acceptance.Duplicate;
            }

            if (_inFlight.Count >= MaxPending)
            {
                return Acceptance.Full;
            }

            Remember(update.Id);
            // Votes take their own lane: a button press is answered at once, not after the chat's pending answers.
            var key = update.CallbackQuery is not null ? VoteLane : update.Message?.Chat.Id ?? 0;
            var chat = _chats.GetValueOrDefault(key);
            if (chat.Count >= MaxPerChat)
            {
                // One chat flooding past the per-user limits (many users in one group): the excess is dropped, logged.
                Log.ChatQueueFull(logger, key, update.Id);
                return Acceptance.Accepted;
            }

            if (admission.Admit(update, bot) is not { } work)
            {
                return Acceptance.Accepted;
            }

            var previous = chat.Tail ?? Task.CompletedTask;
            var task = Task.Run(() => RunAfterAsync(previous, update.Id, work));
            _chats[key] = (task, chat.Count + 1);
            _inFlight.Add(task);
            _ = task.ContinueWith(done => Forget(key, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return Acceptance.Accepted;
        }
    }

    /// <summary>
    /// Shutdown: accepted answers finish within the answering stage's drain deadline (then they are cancelled and
    /// apologised for); the rest of the queued work is waited for until <paramref name="cancellationToken"/> (the host's
    /// shutdown timeout) fires.
    /// </summary>
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
            await stage.DrainAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.DrainAborted(logger, pending.Count(t => !t.IsCompleted));
            await _abort.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _abort.Dispose();

    private async Task RunAfterAsync(Task previous, int updateId, TelegramWork work)
    {
        try
        {
            await previous.ConfigureAwait(false);
            if (work is TelegramWork.Question question)
            {
                // The time limit starts once the answer has a slot in the stage, not while it waits for one: under load
                // an accepted question waits its turn instead of being given up unanswered.
                await stage.RunReservedAsync(question.Ticket, drain => HandleWithLimitAsync(updateId, work, drain), _abort.Token).ConfigureAwait(false);
            }
            else
            {
                await HandleWithLimitAsync(updateId, work, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            // A question given up before its turn still frees its place in the stage.
            if (work is TelegramWork.Question question)
            {
                question.Ticket.Dispose();
            }
        }
    }

    private async Task HandleWithLimitAsync(int updateId, TelegramWork work, CancellationToken drain)
    {
        // The limit starts when this update's turn comes, not when it was queued behind the chat's earlier ones.
        var timeout = TimeSpan.FromSeconds(options.Value.UpdateTimeoutSeconds);
        var limit = new CancellationTokenSource(timeout, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, limit.Token, drain);
        var giveUp = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, limit.Token);
        var handling = HandleInScopeAsync(work, linked.Token, drain);
        try
        {
            // WaitAsync gives up even on a handler that does not observe the token; it keeps running detached, with
            // its token cancelled, so it cannot send anything any more. (Cancelled by the stage's drain deadline, the
            // handler is waited for: it is sending its apology.)
            await handling.WaitAsync(giveUp.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            Log.UpdateTimedOut(logger, updateId, timeout.TotalSeconds);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // The shutdown timeout ran out; DrainAsync has logged how many answers were cancelled.
        }
        catch (Exception exception)
        {
            Log.UpdateFailed(logger, exception, updateId);
        }
        finally
        {
            // A detached handler may still hold the tokens: release them (and observe its outcome) when it ends.
            _ = handling.ContinueWith(
                done =>
                {
                    _ = done.Exception;
                    giveUp.Dispose();
                    linked.Dispose();
                    limit.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task HandleInScopeAsync(TelegramWork work, CancellationToken cancellationToken, CancellationToken drain)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<UpdateHandler>();
        await handler.HandleAsync(work, cancellationToken, drain).ConfigureAwait(false);
    }

    private void Remember(int updateId)
    {
        _seen.Add(updateId);
        _seenOrder.Enqueue(updateId);
        if (_seenOrder.Count > RememberedIds)
        {
            _seen.Remove(_seenOrder.Dequeue());
        }
    }

    private void Forget(long key, Task done)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _inFlight.Remove(done);
            if (_chats.TryGetValue(key, out var chat))
            {
                if (chat.Count <= 1)
                {
                    _chats.Remove(key);
                }
                else
                {
                    _chats[key] = (chat.Tail, chat.Count - 1);
                }
            }

            signal = _progress;
            _progress = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
