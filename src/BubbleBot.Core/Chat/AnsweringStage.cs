using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Chat;

/// <summary>Bound from the <c>AnsweringStage</c> section; shared by every chat adapter in the process.</summary>
public sealed class AnsweringStageOptions
{
    public const string Section = "AnsweringStage";

    /// <summary>Answers worked on at once, across all platforms (<c>AnsweringStage:MaxConcurrent</c>).</summary>
    [Range(1, 256, ErrorMessage = "AnsweringStage:MaxConcurrent must be between 1 and 256.")]
    public int MaxConcurrent { get; set; } = 8;

    /// <summary>Questions accepted and not yet answered, running or waiting (<c>AnsweringStage:Capacity</c>).</summary>
    [Range(1, 100_000, ErrorMessage = "AnsweringStage:Capacity must be between 1 and 100000.")]
    public int Capacity { get; set; } = 256;

    /// <summary>Of those, at most this many from one user (<c>AnsweringStage:PerUser</c>): one user cannot fill the stage.</summary>
    [Range(1, 64, ErrorMessage = "AnsweringStage:PerUser must be between 1 and 64.")]
    public int PerUser { get; set; } = 4;

    /// <summary>On shutdown, how long accepted questions may still take before they are cancelled (<c>AnsweringStage:DrainSeconds</c>).</summary>
    [Range(0, 300, ErrorMessage = "AnsweringStage:DrainSeconds must be between 0 and 300.")]
    public int DrainSeconds { get; set; } = 15;
}

/// <summary>What happened to a question offered to the <see cref="AnsweringStage"/>.</summary>
public enum Admission
{
    Accepted,

    /// <summary>The stage is full, or this user already has their share in it: tell the user to try again.</summary>
    Busy,

    /// <summary>Shutting down: nothing new is taken.</summary>
    Closed,
}

/// <summary>
/// The one bounded, fair place where every adapter's answers are worked: at most <c>MaxConcurrent</c> at once, at most
/// <c>Capacity</c> accepted, at most <c>PerUser</c> of them from one user, so one user, one chat or one slow model call
/// cannot starve the rest. Adapters check the per-user rate limit and allow-lists first, then offer the work here;
/// a question refused as <see cref="Admission.Busy"/> gets a short "busy" reply from the adapter rather than silence.
/// On shutdown <see cref="DrainAsync"/> stops taking work, lets accepted work finish within the drain deadline, then
/// cancels what is left (each work item gets a cancelled token, so it can still apologise).
/// </summary>
public sealed class AnsweringStage : IDisposable
{
    private readonly AnsweringStageOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _running = [];
    private bool _closed;

    public AnsweringStage(IOptions<AnsweringStageOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _slots = new SemaphoreSlim(_options.MaxConcurrent, _options.MaxConcurrent);
    }

    /// <summary>Questions accepted and not finished.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Accepts <paramref name="work"/> for <paramref name="userKey"/> unless the stage (or the user's share) is full; it runs at once when a slot is free.</summary>
    public Admission TryRun(string userKey, Func<CancellationToken, Task> work)
    {
        var admission = TryReserve(userKey, out var ticket);
        if (ticket is not null)
        {
            _ = RunReservedAsync(ticket, work, CancellationToken.None);
        }

        return admission;
    }

    /// <summary>
    /// Takes a place for <paramref name="userKey"/> now, to be run later with <see cref="RunReservedAsync"/> (an adapter
    /// that keeps one chat's messages in order runs it when the chat's turn comes). The place counts against the
    /// capacity and the user's share until the ticket is run or disposed.
    /// </summary>
    public Admission TryReserve(string userKey, out StageTicket? ticket)
    {
        ticket = null;
        lock (_gate)
        {
            if (_closed)
            {
                return Admission.Closed;
            }

            var mine = _perUser.GetValueOrDefault(userKey);
            if (_running.Count >= _options.Capacity || mine >= _options.PerUser)
            {
                return Admission.Busy;
            }

            _perUser[userKey] = mine + 1;
            ticket = new StageTicket(this, userKey);
            _running.Add(ticket.Done);
            return Admission.Accepted;
        }
    }

    /// <summary>
    /// Runs reserved work once one of the <c>MaxConcurrent</c> slots is free. The work's token is cancelled by
    /// <paramref name="cancellationToken"/> or when the drain deadline passes; cancelled while still waiting for a slot,
    /// the work still runs (with that cancelled token) so it can apologise. Never throws; the ticket is released.
    /// </summary>
    public async Task RunReservedAsync(StageTicket ticket, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        // Off the caller's thread at once: the gateway or webhook caller never waits on an answer.
        await Task.Yield();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, cancellationToken);
        var acquired = false;
        try
        {
            try
            {
                await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
                acquired = true;
            }
            catch (OperationCanceledException)
            {
            }

            await work(linked.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Work reports its own failures; one failure never affects the stage.
        }
        finally
        {
            if (acquired)
            {
                _slots.Release();
            }

            ticket.Dispose();
        }
    }

    /// <summary>
    /// Stops taking work and waits for accepted work up to <c>DrainSeconds</c> (or until <paramref name="cancellationToken"/>,
    /// the host's shutdown timeout); then cancels what is left and gives it a short moment to apologise.
    /// Returns how many were cancelled.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_gate)
        {
            _closed = true;
            pending = [.. _running];
        }

        if (pending.Length == 0)
        {
            return 0;
        }

        var all = Task.WhenAll(pending);
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(_options.DrainSeconds), _time, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
        }

        var left = pending.Count(t => !t.IsCompleted);
        await _abort.CancelAsync().ConfigureAwait(false);

        // Cancelled work sends its apology with its own short deadline; wait for that, not for ever (nor past the
        // host's shutdown timeout).
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(5), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
        }

        return left;
    }

    public void Dispose()
    {
        _abort.Dispose();
        _slots.Dispose();
    }

    private void Release(StageTicket ticket)
    {
        lock (_gate)
        {
            _running.Remove(ticket.Done);
            if (_perUser.TryGetValue(ticket.UserKey, out var count) && count > 1)
            {
                _perUser[ticket.UserKey] = count - 1;
            }
            else
            {
                _perUser.Remove(ticket.UserKey);
            }
        }
    }

    /// <summary>A place in the stage, held from acceptance until the work ran (or was dropped). Disposing twice is harmless.</summary>
    public sealed class StageTicket : IDisposable
    {
        private readonly AnsweringStage _stage;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposed;

        internal StageTicket(AnsweringStage stage, string userKey)
        {
            _stage = stage;
            UserKey = userKey;
        }

        public string UserKey { get; }

        internal Task Done => _done.Task;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _stage.Release(this);
                _done.TrySetResult();
            }
        }
    }
}
