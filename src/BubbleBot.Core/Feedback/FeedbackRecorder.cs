using System.Threading.Channels;
using BubbleBot.Core.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Feedback;

/// <summary>A vote's effect as shown on the message: the answer's counts after it.</summary>
public sealed record VoteCounts(int Up, int Down);

/// <summary>
/// Takes questions and votes from the chat path without ever waiting: each is put on a bounded queue (dropped, and
/// counted in the log, when the queue is full) and written in batches by this background service. A store that is
/// locked, read-only or missing costs log lines, never an answer. When a chat platform is configured the schema is
/// created or migrated, and retention applied, at start (a failure there is logged and tried again with the first
/// write); retention then runs daily, with the writes. The command line records nothing and leaves the store alone.
/// </summary>
public sealed partial class FeedbackRecorder : BackgroundService
{
    private const int QueueCapacity = 10_000;
    private const int MaxBatch = 200;
    private const int TalliedAnswers = 10_000;
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromDays(1);

    private readonly IFeedbackStore _store;
    private readonly FeedbackOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FeedbackRecorder> _logger;
    private readonly Channel<object> _queue;
    private readonly bool _chatPlatforms;
    private readonly Lock _tallyGate = new();
    private readonly Dictionary<string, Dictionary<string, int>> _tally = new(StringComparer.Ordinal);
    private readonly Queue<string> _tallyOrder = new();
    private bool _initialized;
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;
    private long _dropped;

    public FeedbackRecorder(
        IFeedbackStore store,
        IOptions<FeedbackOptions> options,
        TimeProvider time,
        ILogger<FeedbackRecorder> logger,
        IEnumerable<ChatPlatform>? platforms = null)
    {
        _chatPlatforms = platforms?.Any() ?? false;
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<object>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Queues a question and its answer; returns the answer's id (for vote buttons), or null when feedback is off.</summary>
    public string? RecordQuestion(string platform, string? chat, string userKey, string language, string text, AnswerKind kind, IReadOnlyList<CitedPassage> citations)
    {
        if (!_options.Enabled)
        {
            return null;
        }

        var id = NewAnswerId();
        _queue.Writer.TryWrite(new QuestionRecord(id, _time.GetUtcNow(), platform, chat, FeedbackUser.Hash(userKey), language, text, kind, citations));
        return id;
    }

    /// <summary>
    /// Queues a vote (+1 or -1) and returns the answer's counts as this process has seen them, and whether this vote
    /// changed them: one vote per user per answer, a second vote replacing the first (the same vote again changes
    /// nothing). Counts start afresh for answers given before a restart; the store keeps every vote.
    /// </summary>
    public (VoteCounts Counts, bool Changed) RecordVote(string answerId, string userKey, int value)
    {
        var user = FeedbackUser.Hash(userKey);
        value = Math.Sign(value);
        VoteCounts counts;
        bool changed;
        lock (_tallyGate)
        {
            if (!_tally.TryGetValue(answerId, out var votes))
            {
                _tally[answerId] = votes = new Dictionary<string, int>(StringComparer.Ordinal);
                _tallyOrder.Enqueue(answerId);
                if (_tallyOrder.Count > TalliedAnswers)
                {
                    _tally.Remove(_tallyOrder.Dequeue());
                }
            }

            changed = !votes.TryGetValue(user, out var before) || before != value;
            votes[user] = value;
            counts = new VoteCounts(votes.Values.Count(v => v > 0), votes.Values.Count(v => v < 0));
        }

        if (_options.Enabled && changed)
        {
            _queue.Writer.TryWrite(new VoteRecord(answerId, user, value, _time.GetUtcNow()));
        }

        return (counts, changed);
    }

    /// <summary>Completes once everything queued before it was written (or failed to be); for tests and shutdown.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(done))
        {
            return Task.CompletedTask;
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Answer ids go into Telegram's 64-byte callback data and Discord's custom ids: short and plain.</summary>
    public static string NewAnswerId() => Guid.NewGuid().ToString("N")[..16];

    public static bool IsAnswerId(string value) => value.Length == 16 && value.All(char.IsAsciiHexDigitLower);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (_chatPlatforms && _options.Enabled)
        {
            await PrepareAsync(stoppingToken).ConfigureAwait(false);
        }

        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await WriteBatchAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutdown: what is queued is still written, within a short bound.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
        try
        {
            while (_queue.Reader.Count > 0 && !deadline.IsCancellationRequested)
            {
                await WriteBatchAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Schema and retention at start; a store not usable yet is only logged (answers never depend on it).</summary>
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
            await PurgeIfDueAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.NotReadyAtStart(_logger, exception.GetType().Name, exception.Message);
            Log.WriteFailedDetail(_logger, exception);
        }
    }

    private async Task WriteBatchAsync(CancellationToken cancellationToken)
    {
        var questions = new List<QuestionRecord>();
        var votes = new List<VoteRecord>();
        var flushes = new List<TaskCompletionSource>();
        while (questions.Count + votes.Count < MaxBatch && _queue.Reader.TryRead(out var item))
        {
            switch (item)
            {
                case QuestionRecord question:
                    questions.Add(question);
                    break;
                case VoteRecord vote:
                    votes.Add(vote);
                    break;
                case TaskCompletionSource flush:
                    flushes.Add(flush);
                    break;
            }

            if (flushes.Count > 0)
            {
                break;
            }
        }

        try
        {
            if (questions.Count + votes.Count > 0)
            {
                if (!_initialized)
                {
                    await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
                    _initialized = true;
                }

                await _store.WriteAsync(questions, votes, cancellationToken).ConfigureAwait(false);
                await PurgeIfDueAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A failed batch is dropped: the store may be locked or gone, and answering must not wait for it.
            _initialized = false;
            Log.WriteFailed(_logger, questions.Count, votes.Count, exception.GetType().Name, exception.Message);
            Log.WriteFailedDetail(_logger, exception);
        }
        finally
        {
            flushes.ForEach(f => f.TrySetResult());
        }

        if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
        {
            Log.QueueFull(_logger, dropped);
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now - _lastPurge < PurgeEvery)
        {
            return;
        }

        _lastPurge = now;
        var deleted = await _store.PurgeAsync(now - TimeSpan.FromDays(_options.RetentionDays), cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            Log.Purged(_logger, deleted, _options.RetentionDays);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Feedback store write failed ({Questions} questions, {Votes} votes not recorded): {ErrorType}: {Error}")]
        public static partial void WriteFailed(ILogger logger, int questions, int votes, string errorType, string error);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Feedback store write failure detail")]
        public static partial void WriteFailedDetail(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Feedback queue full: {Dropped} records not recorded")]
        public static partial void QueueFull(ILogger logger, long dropped);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Feedback store not usable at start ({ErrorType}: {Error}); answering goes on, and writing is tried again with the next record")]
        public static partial void NotReadyAtStart(ILogger logger, string errorType, string error);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Feedback retention: {Deleted} questions older than {Days} days deleted")]
        public static partial void Purged(ILogger logger, int deleted, int days);
    }
}
