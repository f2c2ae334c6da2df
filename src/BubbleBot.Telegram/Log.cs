using Microsoft.Extensions.Logging;

namespace BubbleBot.Telegram;

/// <summary>Telegram adapter log messages; event ids 2000–2099 are stable. The token is never an argument.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Telegram bot @{Username} ({BotId}) connected, receiving updates by {Mode}")]
    public static partial void Connected(ILogger logger, string username, long botId, string mode);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Telegram {Method} failed (attempt {Attempt}: {ErrorType}: {Error}); retrying in {Delay}")]
    public static partial void CallRetrying(ILogger logger, string method, int attempt, string errorType, string error, string delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Telegram getUpdates failed {Failures} time(s) in a row ({ErrorType}: {Error}); polling again in {Delay}")]
    public static partial void PollFailed(ILogger logger, int failures, string errorType, string error, string delay);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Debug, Message = "Telegram call failure detail")]
    public static partial void CallFailedDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning, Message = "Telegram start-up call {Method} failed (attempt {Attempt}: {ErrorType}: {Error}); retrying in {Delay}")]
    public static partial void StartupRetry(ILogger logger, string method, int attempt, string errorType, string error, string delay);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Error, Message = "Telegram rejected Telegram:Token ({Status} on {Method}); the Telegram adapter stops. Fix the token and restart")]
    public static partial void TokenRejected(ILogger logger, int status, string method);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Warning, Message = "Telegram answered getUpdates with 409 Conflict ({Description}): another instance is polling with this token, or a webhook is set. Polling again in {Delay}")]
    public static partial void Conflict(ILogger logger, string description, string delay);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Warning, Message = "Chat {ChatId} already has the most updates queued that one chat may have; update {UpdateId} is dropped")]
    public static partial void ChatQueueFull(ILogger logger, long chatId, int updateId);

    [LoggerMessage(EventId = 2026, Level = LogLevel.Information, Message = "Answering stage is full (or the sender has their share in it); chat {ChatId} is told to try again")]
    public static partial void Busy(ILogger logger, long chatId);

    [LoggerMessage(EventId = 2027, Level = LogLevel.Information, Message = "Chat {OldChatId} became supergroup {NewChatId}; sending the reply there")]
    public static partial void ChatMigrated(ILogger logger, long oldChatId, long newChatId);

    [LoggerMessage(EventId = 2028, Level = LogLevel.Warning, Message = "Telegram webhook update {UpdateId} not accepted (no room, still starting or replaying the journal, or stopping); answered 503 so Telegram delivers it again")]
    public static partial void WebhookFull(ILogger logger, int updateId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Telegram update {UpdateId} failed; it is skipped and the loop goes on")]
    public static partial void UpdateFailed(ILogger logger, Exception exception, int updateId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Telegram update {UpdateId} was already received; not handled again")]
    public static partial void DuplicateUpdate(ILogger logger, int updateId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Ignoring a message from bot {UserId} in chat {ChatId}")]
    public static partial void IgnoredBot(ILogger logger, long userId, long chatId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Ignoring chat {ChatId}: not in Telegram:AllowedChatIds")]
    public static partial void ChatNotAllowed(ILogger logger, long chatId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Answering message {MessageId} in chat {ChatId} ({ChatType})")]
    public static partial void Answering(ILogger logger, int messageId, long chatId, string chatType);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Sent {Parts} message(s) to chat {ChatId}")]
    public static partial void Sent(ILogger logger, int parts, long chatId);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "Typing indicator for chat {ChatId} failed")]
    public static partial void TypingFailed(ILogger logger, Exception exception, long chatId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Telegram webhook set; updates arrive at path {Path}")]
    public static partial void WebhookSet(ILogger logger, string path);

    // 2011 is retired (setWebhook is retried by the start-up loop; a rejected token is 2023); do not reuse it.

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Telegram webhook request refused: {Reason}")]
    public static partial void WebhookRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Waiting for {Count} Telegram answer(s) in flight before stopping")]
    public static partial void Draining(ILogger logger, int count);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Shutdown timeout reached; {Count} Telegram answer(s) in flight were cancelled")]
    public static partial void DrainAborted(ILogger logger, int count);

    // 2015 is retired (start-up calls are retried until they succeed; a rejected token is 2023); do not reuse it.

    // 2016 is retired (it was never logged: without a token the adapter registers nothing, not even a logger); do not reuse it.

    [LoggerMessage(EventId = 2017, Level = LogLevel.Warning, Message = "MapTelegramWebhook was called but Telegram:WebhookUrl is not set; no endpoint is mapped (polling mode)")]
    public static partial void WebhookNotMapped(ILogger logger);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Error, Message = "Answering message {MessageId} in chat {ChatId} failed; the user is sent an apology")]
    public static partial void AnswerFailed(ILogger logger, Exception exception, int messageId, long chatId);

    [LoggerMessage(EventId = 2019, Level = LogLevel.Warning, Message = "Telegram could not parse the HTML of a message to chat {ChatId}; sending that part again as plain text")]
    public static partial void SentAsPlainText(ILogger logger, Exception exception, long chatId);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Telegram update {UpdateId} was not handled within {TimeoutSeconds} s (Telegram:UpdateTimeoutSeconds); it is given up")]
    public static partial void UpdateTimedOut(ILogger logger, int updateId, double timeoutSeconds);

    [LoggerMessage(EventId = 2032, Level = LogLevel.Error, Message = "The feedback report for /report could not be read")]
    public static partial void ReportFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2033, Level = LogLevel.Warning, Message = "Telegram webhook update {UpdateId}: chat {ChatId} already has the most updates queued that one chat may have; answered 429 so Telegram delivers it again later")]
    public static partial void WebhookChatFull(ILogger logger, int updateId, long chatId);

    [LoggerMessage(EventId = 2034, Level = LogLevel.Warning, Message = "Telegram update journal {Path} could not be written (update {UpdateId}); the update is handled, but a crash before its answer would lose it")]
    public static partial void JournalFailed(ILogger logger, Exception exception, int updateId, string path);

    [LoggerMessage(EventId = 2035, Level = LogLevel.Warning, Message = "Telegram update {UpdateId} was left unfinished by {Attempts} earlier run(s) (or cannot be read); it is dropped from the journal, not replayed")]
    public static partial void JournalGaveUp(ILogger logger, int updateId, int attempts);

    [LoggerMessage(EventId = 2036, Level = LogLevel.Information, Message = "Replaying {Count} Telegram update(s) accepted but not finished before the last stop")]
    public static partial void Replaying(ILogger logger, int count);

    [LoggerMessage(EventId = 2037, Level = LogLevel.Information, Message = "Chat {ChatId} is told to try again for dropped update {UpdateId}; its other drops until its queue empties are silent")]
    public static partial void ToldBusyForFullChat(ILogger logger, long chatId, int updateId);

    [LoggerMessage(EventId = 2038, Level = LogLevel.Warning, Message = "Telegram update journal {Path} cannot be used ({ErrorType}: {Error}); it may be held by another instance on the same Storage:DataPath. This run keeps no journal: a crash loses the updates accepted but not yet answered")]
    public static partial void JournalUnavailable(ILogger logger, string path, string errorType, string error);

    [LoggerMessage(EventId = 2029, Level = LogLevel.Debug, Message = "Telegram update journal failure detail")]
    public static partial void JournalUnavailableDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2039, Level = LogLevel.Warning, Message = "Telegram update {UpdateId} in the journal cannot be read ({Error}); it is dropped, not replayed")]
    public static partial void JournalUnreadable(ILogger logger, int updateId, string error);
}
