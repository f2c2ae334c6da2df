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

    public void Ready(string sessionId, string resumeUrl, string userId, string applicationId)
    {
        SessionId = sessionId;
        ResumeUrl = resumeUrl;
        UserId = userId;
        ApplicationId = applicationId;
    }

    /// <summary>Forget the session (a fresh Identify follows); who the bot is stays known.</summary>
    public void Reset()
    {
        SessionId = null;
        ResumeUrl = null;
        Interlocked.Exchange(ref _sequence, -1);
    }
}
