namespace BubbleBot.Discord.Gateway;

/// <summary>What survives a dropped connection so the next one can resume: session id, resume URL and last sequence.</summary>
internal sealed class GatewaySession
{
    private long _sequence = -1;

    public string? SessionId { get; private set; }

    public string? ResumeUrl { get; private set; }

    public string? UserId { get; private set; }

    public string? ApplicationId { get; private set; }

    /// <summary>Last sequence seen; read by the heartbeat loop while the receive loop writes it.</summary>
    public long? Sequence
    {
        get
        {
            var value = Interlocked.Read(ref _sequence);
            return value < 0 ? null : value;
        }
    }

    public bool CanResume => SessionId is not null && ResumeUrl is not null;

    public void Track(long sequence) => Interlocked.Exchange(ref _sequence, sequence);

    /// <summary>
    /// Records READY. A missing or empty <c>session_id</c>, or a <c>resume_gateway_url</c> that is not an absolute
    /// ws(s) URL, leaves the session not resumable (the next connection identifies afresh on the cached gateway URL);
    /// false then.
    /// </summary>
    public bool Ready(string? sessionId, string? resumeUrl, string userId, string applicationId)
    {
        UserId = userId;
        ApplicationId = applicationId;
        var resumable = !string.IsNullOrWhiteSpace(sessionId) && IsGatewayUrl(resumeUrl);
        SessionId = resumable ? sessionId : null;
        ResumeUrl = resumable ? resumeUrl : null;
        return resumable;
    }

    public static bool IsGatewayUrl(string? url) =>
        !string.IsNullOrWhiteSpace(url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == "wss" || uri.Scheme == "ws");

    /// <summary>Forget the session (a fresh Identify follows); who the bot is stays known.</summary>
    public void Reset()
    {
        SessionId = null;
        ResumeUrl = null;
        Interlocked.Exchange(ref _sequence, -1);
    }
}
