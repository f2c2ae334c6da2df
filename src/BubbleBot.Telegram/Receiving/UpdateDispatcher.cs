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
    /// <summary>Taken (possibly needing nothing) and, with a journal, recorded: it may be acknowledged to Telegram.</summary>
    Accepted,

    /// <summary>Seen before: acknowledge it, do nothing.</summary>
    Duplicate,

    /// <summary>
    /// No room (or the bot does not know who it is yet, or has not replayed its journal yet, or it is stopping): do not
    /// acknowledge; Telegram delivers it again.
    /// </summary>
    Full,

    /// <summary>
    /// Its chat already has <see cref="UpdateDispatcher.MaxPerChat"/> updates queued (one chat flooding past the per-user
    /// limits). Not taken: the webhook answers 429 so Telegram delivers it later; polling drops it
    /// (<see cref="UpdateDispatcher.DropFromFullChat"/>: a warning, and the asker is told "busy"), since holding the
    /// offset for one chat would hold every chat.
    /// </summary>
    ChatFull,
}

/// <summary>
/// Takes updates from polling or the webhook. Admission happens on arrival (<see cref="TelegramAdmission"/>), then the
/// work is queued per chat: one chat's updates one after the other, different chats concurrently, answers in the shared
/// bounded <see cref="AnsweringStage"/>. The dispatcher itself is bounded (<c>Telegram:MaxPendingUpdates</c> updates,
/// and <see cref="MaxPerChat"/> per chat), so a burst cannot start unbounded work. An update is acknowledged once
/// accepted here, not once answered, so one stuck chat never holds back the others; what makes that acknowledgement
/// honest is the <see cref="UpdateJournal"/> (with <c>Storage:DataPath</c>): an update with work is journaled before
/// <see cref="Accept"/> returns and removed once handled, and a restart replays what is left. A graceful stop drains
/// the accepted work. Each update's handling is limited to <c>Telegram:UpdateTimeoutSeconds</c>.
/// </summary>
internal sealed class UpdateDispatcher(
    IServiceScopeFactory scopes,
    TelegramAdmission admission,
    BotIdentityProvider identity,
    AnsweringStage stage,
    UpdateJournal journal,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<UpdateDispatcher> logger) : IDisposable
{
    public const int MaxPerChat = 32;
    private const int RememberedIds = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<Lane, (Task Tail, int Count)> _chats = [];

    // Chats told "busy" for a dropped question since their queue last emptied: one notice per burst, so a flood is not
    // answered with a flood.
    private readonly HashSet<long> _toldBusy = [];
    private readonly HashSet<Task> _inFlight = [];
    private readonly HashSet<int> _seen = [];
    private readonly Queue<int> _seenOrder = new();
    private TaskCompletionSource _progress = NewSignal();
    private readonly TaskCompletionSource _replayed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closing;

    // Cancelled only when the host's shutdown timeout runs out while answers are still in flight.
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Updates accepted and not yet handled.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>Completes when any update finishes after this call (polling waits on it while full).</summary>
    public Task NextProgress()
    {
        lock (_gate)
        {
            return _progress.Task;
        }
    }

    /// <summary>Completes once <see cref="ReplayJournal"/> has run: from then on live updates are taken.</summary>
    public Task Replayed => _replayed.Task;

    /// <summary>
    /// A live update (polling or webhook). Refused as <see cref="Acceptance.Full"/> until the journal has been replayed:
    /// a chat's new update must not be answered before its older journaled one (the webhook answers 503 meanwhile).
    /// </summary>
    public Acceptance Accept(Update update) => Replayed.IsCompleted ? Accept(update, replayed: false) : Acceptance.Full;

    /// <summary>
    /// Opens the journal (its exclusive lock) and hands the updates a previous run accepted but did not finish to the
    /// queue again, before any live update. Called once the bot knows who it is, before polling starts or the webhook
    /// takes updates; a webhook redelivery of the same update afterwards is a repeat. Returns how many were taken.
    /// </summary>
    public int ReplayJournal()
    {
        try
        {
            if (identity.Known is not { } bot || !journal.Start(bot.Id))
            {
                return 0;
            }

            var unfinished = journal.TakeUnfinished();
            if (unfinished.Count == 0)
            {
                return 0;
            }

            Log.Replaying(logger, unfinished.Count);
            var taken = 0;
            foreach (var update in unfinished)
            {
                // Full: it stays journaled for the next start (only possible when MaxPendingUpdates was lowered).
                var result = Accept(update, replayed: true);
                if (result is Acceptance.Accepted)
                {
                    taken++;
                }
                else if (result is Acceptance.ChatFull)
                {
                    // Telegram forgot it long ago, so this is the end of it: logged (2025), the asker told "busy".
                    DropFromFullChat(update);
                    journal.Remove(update.Id);
                }
            }

            return taken;
        }
        finally
        {
            _replayed.TrySetResult();
        }
    }

    private Acceptance Accept(Update update, bool replayed)
    {
        if (identity.Known is not { } bot)
        {
            return Acceptance.Full;
        }

        TaskCompletionSource? recorded = null;
        var needsNothing = false;
        lock (_gate)
        {
            if (_closing)
            {
                return Acceptance.Full;
            }

            if (_seen.Contains(update.Id))
            {
                Log.DuplicateUpdate(logger, update.Id);
                return Acceptance.Duplicate;
            }

            if (_inFlight.Count >= options.Value.MaxPendingUpdates)
            {
                return Acceptance.Full;
            }

            var key = LaneOf(update);
            var chat = _chats.GetValueOrDefault(key);
            if (chat.Count >= MaxPerChat)
            {
                // Not remembered: a webhook redelivery of it must be taken, not taken for a repeat.
                return Acceptance.ChatFull;
            }

            Remember(update.Id);
            if (admission.Admit(update, bot) is { } work)
            {
                // With a journal the work waits until the update is recorded, so its removal can never come first.
                recorded = journal.Enabled && !replayed ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
                var journaled = recorded?.Task ?? Task.CompletedTask;
                var previous = chat.Tail ?? Task.CompletedTask;
                var task = Task.Run(() => RunAfterAsync(journaled, previous, update.Id, work));
                _chats[key] = (task, chat.Count + 1);
                _inFlight.Add(task);
                _ = task.ContinueWith(done => Forget(key, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                needsNothing = true;
            }
        }

        if (needsNothing && replayed)
        {
            // Replayed, and admission now finds nothing to do (e.g. the chat left the allow-list): done with it.
            journal.Remove(update.Id);
        }

        if (recorded is not null)
        {
            // Outside the lock: file I/O must not hold up other chats' acceptance. A failed write is logged (2034) and
            // the update is still taken: answering matters more than surviving a crash.
            try
            {
                journal.Add(update);
            }
            finally
            {
                // Whatever happened to the write, the chat's queue must not wait on it forever.
                recorded.SetResult();
            }
        }

        return Acceptance.Accepted;
    }

    /// <summary>
    /// Polling's end for an update refused as <see cref="Acceptance.ChatFull"/>: it is confirmed by the offset and not
    /// handled, so it is logged (2025) and, when it is a question for the bot, the asker is told "busy, try again" rather
    /// than left with silence. Only once per chat until its queue has emptied: a flood is not answered with a flood.
    /// The notice runs beside the chat's queue (which is full), tracked like any update so a stop waits for it.
    /// </summary>
    public void DropFromFullChat(Update update)
    {
        var lane = LaneOf(update);
        Log.ChatQueueFull(logger, lane.ChatId, update.Id);
        if (update.Message is not { } message || identity.Known is not { } bot || admission.QuestionOf(message, bot) is not { } question)
        {
            // Votes and messages that ask the bot nothing get no notice.
            return;
        }

        lock (_gate)
        {
            if (_closing || !_toldBusy.Add(lane.ChatId))
            {
                return;
            }

            var notice = new TelegramWork.Notice(message, Rendering.TelegramRenderer.Notice(ChatPipeline.Busy(question).Text));
            var task = Task.Run(() => HandleWithLimitAsync(update.Id, notice, CancellationToken.None));
            _inFlight.Add(task);
            _ = task.ContinueWith(done => Forget(null, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        Log.ToldBusyForFullChat(logger, lane.ChatId, update.Id);
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
            // From now on nothing new is taken: a webhook update arriving during the drain is answered 503 and
            // delivered again to the next run, rather than accepted into a stage that no longer admits.
            _closing = true;
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

    private async Task RunAfterAsync(Task journaled, Task previous, int updateId, TelegramWork work)
    {
        try
        {
            await journaled.ConfigureAwait(false);
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

            // Handled (answered, told "busy", given up after its time limit, apologised for at the drain deadline): it
            // need not survive a crash any more. Cut off by the host's shutdown timeout, it stays for the next start.
            if (!_abort.IsCancellationRequested)
            {
                journal.Remove(updateId);
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

    /// <summary>
    /// One chat's updates in order, each chat in its own lane. A chat's votes take a lane of their own beside it, so a
    /// button press is answered at once rather than after the chat's pending answers, and one chat's votes never wait
    /// behind another's.
    /// </summary>
    private static Lane LaneOf(Update update) => update.CallbackQuery is { } query
        ? new Lane(query.Message?.Chat.Id ?? 0, Votes: true)
        : new Lane(update.Message?.Chat.Id ?? 0, Votes: false);

    /// <summary>The chat an update belongs to (a vote: the chat of the answer voted on), for logs.</summary>
    public static long ChatIdOf(Update update) => LaneOf(update).ChatId;

    private void Forget(Lane? key, Task done)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _inFlight.Remove(done);
            if (key is { } lane && _chats.TryGetValue(lane, out var chat))
            {
                if (chat.Count <= 1)
                {
                    _chats.Remove(lane);

                    // The burst is over: the next time this chat floods, it is told "busy" again.
                    if (!lane.Votes)
                    {
                        _toldBusy.Remove(lane.ChatId);
                    }
                }
                else
                {
                    _chats[lane] = (chat.Tail, chat.Count - 1);
                }
            }

            signal = _progress;
            _progress = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A chat's queue of messages, or of votes.</summary>
    private readonly record struct Lane(long ChatId, bool Votes);
}
