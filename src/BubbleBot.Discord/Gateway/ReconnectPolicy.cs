namespace BubbleBot.Discord.Gateway;

/// <summary>How the next gateway connection should be made: resume the session, or identify afresh.</summary>
internal enum ConnectMode
{
    Resume,
    Identify,
}

/// <summary>
/// The gateway's reconnect and back-off rules as plain code (no sockets, no timers): how long to wait before the next
/// connection, whether it resumes or identifies, and when resuming is given up. The gateway service asks it before each
/// connection and tells it how each one ended. Not thread-safe: only the gateway's connect loop uses it.
/// </summary>
internal sealed class ReconnectPolicy(IGatewayJitter jitter, TimeProvider time)
{
    /// <summary>Back-off after consecutive failed connections (or unexpected errors): 1 s doubling, capped.</summary>
    public static readonly TimeSpan FailureBackoffBase = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Back-off before a fresh Identify, on the count of consecutive fresh sessions: 5 s doubling, capped at 5 minutes.
    /// Every Identify counts against Discord's daily session_start_limit (about 1,000; going over resets the bot
    /// token), so a loop of READY → close → Identify must slow down. Resumes do not count.
    /// </summary>
    public static readonly TimeSpan IdentifyBackoffBase = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxIdentifyBackoff = TimeSpan.FromMinutes(5);

    /// <summary>A session that stayed up this long ends the run of consecutive fresh sessions.</summary>
    public static readonly TimeSpan StableSession = TimeSpan.FromMinutes(5);

    /// <summary>Identify is limited by max_concurrency (1 for unsharded bots) per 5 s.</summary>
    public static readonly TimeSpan IdentifySpacing = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Resume attempts in a row that never reached RESUMED before the session is dropped and the bot identifies on the
    /// main gateway URL (a resume_gateway_url that refuses connections would otherwise be tried for ever).
    /// </summary>
    public const int MaxFailedResumes = 3;

    private DateTimeOffset? _lastIdentify;

    /// <summary>Consecutive connections (or attempts) that never reached READY or RESUMED.</summary>
    public int Failures { get; private set; }

    /// <summary>Consecutive fresh sessions (Identifies sent); only a session that stayed up <see cref="StableSession"/> resets it.</summary>
    public int FreshSessions { get; private set; }

    /// <summary>Consecutive resume attempts that did not reach RESUMED.</summary>
    public int FailedResumes { get; private set; }

    /// <summary>
    /// How long to wait before the next connection: what the last one asked for, else back-off on consecutive
    /// failures; before a fresh Identify at least the back-off on consecutive fresh sessions and the Identify spacing.
    /// </summary>
    public TimeSpan NextDelay(TimeSpan? requested, ConnectMode mode)
    {
        var delay = requested ?? Backoff(Failures - 1, FailureBackoffBase, MaxBackoff);
        if (mode == ConnectMode.Resume)
        {
            return delay;
        }

        var identifyBackoff = Backoff(FreshSessions, IdentifyBackoffBase, MaxIdentifyBackoff);
        if (identifyBackoff > delay)
        {
            delay = identifyBackoff;
        }

        var spacing = IdentifyWait();
        return spacing > delay ? spacing : delay;
    }

    /// <summary>How long until another Identify may be sent (zero when it may go now).</summary>
    public TimeSpan IdentifyWait() =>
        _lastIdentify is { } last && last + IdentifySpacing - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;

    public void IdentifySent()
    {
        _lastIdentify = time.GetUtcNow();
        FreshSessions++;
    }

    /// <summary>
    /// Records how a connection ended. Returns true when the session should be dropped because resuming it failed
    /// <see cref="MaxFailedResumes"/> times in a row (the next connection then identifies on the main gateway URL).
    /// </summary>
    public bool ConnectionEnded(ConnectMode mode, bool established, TimeSpan? upFor = null)
    {
        Failures = established ? 0 : Failures + 1;
        if (upFor >= StableSession)
        {
            FreshSessions = 0;
        }

        if (mode != ConnectMode.Resume || established)
        {
            FailedResumes = 0;
            return false;
        }

        FailedResumes++;
        if (FailedResumes < MaxFailedResumes)
        {
            return false;
        }

        FailedResumes = 0;
        return true;
    }

    /// <summary>An unexpected error outside a connection (an unreachable API, a malformed answer): one more failure.</summary>
    public TimeSpan Failed()
    {
        Failures++;
        return Backoff(Failures - 1, FailureBackoffBase, MaxBackoff);
    }

    /// <summary>
    /// Exponential back-off with jitter: zero for <paramref name="attempt"/> ≤ 0, else a ceiling of
    /// <paramref name="baseDelay"/> × 2^(attempt − 1) (at most <paramref name="max"/>), of which 50–100 % is waited.
    /// </summary>
    public TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan max)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        var ceiling = TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, baseDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 20))));
        return ceiling * (0.5 + (jitter.Next() / 2));
    }
}
