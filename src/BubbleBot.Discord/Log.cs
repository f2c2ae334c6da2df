using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord;

/// <summary>Every log line of the Discord adapter (event ids 3000–3099). The token never appears in any of them.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Discord adapter starting (intents {Intents}, message content intent {MessageContent})")]
    public static partial void Starting(ILogger logger, int intents, bool messageContent);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connecting to the Discord gateway at {Host} ({Mode})")]
    public static partial void Connecting(ILogger logger, string host, string mode);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Discord session ready as {UserName} ({UserId}), application {ApplicationId}")]
    public static partial void Ready(ILogger logger, string userName, string userId, string applicationId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Discord session resumed at sequence {Sequence}")]
    public static partial void Resumed(ILogger logger, long? sequence);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "No heartbeat ACK from the Discord gateway since the last beat; treating the connection as dead and resuming")]
    public static partial void ZombieConnection(ILogger logger);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Discord asked the bot to reconnect (op 7)")]
    public static partial void ReconnectRequested(ILogger logger);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Discord invalidated the session (resumable: {Resumable})")]
    public static partial void InvalidSession(ILogger logger, bool resumable);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Discord gateway closed the connection with {CloseCode} {Description}; reconnecting (resume: {Resume})")]
    public static partial void GatewayClosed(ILogger logger, int? closeCode, string? description, bool resume);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Discord adapter stopped: the gateway closed with {CloseCode} ({Reason}). Fix the configuration and restart; other platforms keep running")]
    public static partial void FatalClose(ILogger logger, int closeCode, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Discord gateway connection failed ({ErrorType}: {Error}); retrying in {Delay}")]
    public static partial void ConnectionFailed(ILogger logger, string delay, string errorType, string error);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Debug, Message = "Discord gateway connection failure detail")]
    public static partial void ConnectionFailedDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Waiting {Delay} before reconnecting to Discord")]
    public static partial void Backoff(ILogger logger, string delay);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Unexpected payload from the Discord gateway (op {Op}); reconnecting")]
    public static partial void UnexpectedPayload(ILogger logger, int op);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Gateway payload of {Bytes} bytes exceeds Discord's 4,096-byte limit; not sent")]
    public static partial void PayloadTooLarge(ILogger logger, int bytes);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Discord adapter stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Discord session start limit reached (no Identify left today); waiting {Delay} before identifying")]
    public static partial void SessionStartLimitReached(ILogger logger, string delay);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "Discord gateway connection failed or was lost ({ErrorType}: {Error}); reconnecting")]
    public static partial void ConnectionLost(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Debug, Message = "Discord gateway connection loss detail")]
    public static partial void ConnectionLostDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "Discord gateway at {Host} gave no {Phase} within {Limit}; dropping the connection and trying again")]
    public static partial void HandshakeTimedOut(ILogger logger, string host, string phase, string limit);

    [LoggerMessage(EventId = 3026, Level = LogLevel.Warning, Message = "Resuming the Discord session failed {Attempts} times in a row; giving the session up and identifying afresh on the main gateway URL")]
    public static partial void ResumeAbandoned(ILogger logger, int attempts);

    [LoggerMessage(EventId = 3027, Level = LogLevel.Warning, Message = "Shutdown drain deadline reached; {Count} accepted answer(s) were cancelled and apologised for")]
    public static partial void DrainCancelled(ILogger logger, int count);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Discord READY carried no usable session_id or resume_gateway_url; the session cannot be resumed, the next connection identifies afresh")]
    public static partial void NotResumable(ILogger logger);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "Sending a Discord heartbeat failed; reconnecting")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "Retrying Discord slash command registration in {Delay}")]
    public static partial void CommandRegistrationRetry(ILogger logger, string delay);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Registered {Count} Discord slash commands ({Scope})")]
    public static partial void CommandsRegistered(ILogger logger, int count, string scope);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error, Message = "Registering Discord slash commands failed")]
    public static partial void CommandRegistrationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Warning, Message = "Discord rate limit hit on {Route}; retrying after {RetryAfter} ({Scope} limit)")]
    public static partial void RateLimited(ILogger logger, string route, string retryAfter, string scope);

    [LoggerMessage(EventId = 3037, Level = LogLevel.Error, Message = "Discord kept rate-limiting {Route} for {Waited}; giving this call up")]
    public static partial void RateLimitGaveUp(ILogger logger, string route, string waited);

    [LoggerMessage(EventId = 3038, Level = LogLevel.Error, Message = "{Count} invalid Discord requests (401/403/429) in the last 10 minutes; holding back calls so the IP is not banned (Discord bans at 10,000)")]
    public static partial void InvalidRequestLimit(ILogger logger, int count);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "Discord answered {Route} with {Status}; retry {Attempt} after {Delay}")]
    public static partial void ServerError(ILogger logger, string route, int status, int attempt, string delay);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Error, Message = "Discord rejected the bot token (401) on {Route}; no further REST calls will be made. Check Discord:Token")]
    public static partial void Unauthorized(ILogger logger, string route);

    [LoggerMessage(EventId = 3033, Level = LogLevel.Error, Message = "Discord refused {Route} (403 Forbidden, code {Code}): the bot lacks a permission there (View Channels, Send Messages, Embed Links, Read Message History)")]
    public static partial void Forbidden(ILogger logger, string route, int? code);

    [LoggerMessage(EventId = 3035, Level = LogLevel.Warning, Message = "Discord rejected an interaction token (401, code {Code}) on {Route}: it expired (15 minutes) or is invalid. The bot token is not affected")]
    public static partial void InteractionTokenRejected(ILogger logger, string route, int? code);

    [LoggerMessage(EventId = 3036, Level = LogLevel.Warning, Message = "Discord answered {Route} with {Status}; not retried, since repeating this request could post it twice")]
    public static partial void ServerErrorNotRetried(ILogger logger, string route, int status);

    [LoggerMessage(EventId = 3034, Level = LogLevel.Debug, Message = "Discord bucket for {Route} is exhausted; waiting {Delay}")]
    public static partial void BucketWait(ILogger logger, string route, string delay);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "Discord question from {UserKey} in {Where}")]
    public static partial void Question(ILogger logger, string userKey, string where);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Error, Message = "Handling a Discord {Kind} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Information, Message = "Answering stage is full (or {UserKey} has their share in it); told the user to try again")]
    public static partial void Busy(ILogger logger, string userKey);

    [LoggerMessage(EventId = 3043, Level = LogLevel.Debug, Message = "Ignoring a Discord message from guild {GuildId}, which is not in Discord:AllowedGuildIds")]
    public static partial void GuildNotAllowed(ILogger logger, string guildId);

    [LoggerMessage(EventId = 3045, Level = LogLevel.Warning, Message = "Dropping a Discord /ask that waited {Age} in the queue: its interaction token (valid 15 minutes) is about to expire")]
    public static partial void AskExpired(ILogger logger, string age);

    [LoggerMessage(EventId = 3044, Level = LogLevel.Warning, Message = "Discord gateway dispatch {EventName} could not be handled")]
    public static partial void DispatchFailed(ILogger logger, Exception exception, string eventName);

    [LoggerMessage(EventId = 3046, Level = LogLevel.Warning, Message = "Discord:AnswerChannelIds lists {Count} channel(s), but Discord:MessageContentIntent is false: messages there that do not mention the bot arrive empty and are not answered. Enable Message Content in the developer portal and set Discord:MessageContentIntent=true")]
    public static partial void AnswerChannelsWithoutContent(ILogger logger, int count);
}
