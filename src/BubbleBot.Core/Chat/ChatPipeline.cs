using BubbleBot.Core.Answering;
using BubbleBot.Core.Text;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Core.Chat;

/// <summary>A question as it arrives from any chat platform.</summary>
/// <param name="UserKey">Who asked, unique across platforms (for example <c>telegram:42</c>): the rate limit is per user.</param>
/// <param name="ConversationKey">Which conversation it belongs to (a private chat, a reply chain, a thread), for follow-ups.</param>
/// <param name="RateLimited">False for the local operator (the console chat, the command line), who is not a chat user to protect against.</param>
/// <param name="BothSides">Sent as the <c>/sides</c> command: both sides of the debate, on <paramref name="Text"/> as topic if any.</param>
public sealed record IncomingQuestion(string UserKey, string ConversationKey, string Text, bool RateLimited = true, bool BothSides = false);

/// <summary>What an adapter should send back.</summary>
public abstract record ChatReply
{
    private ChatReply()
    {
    }

    /// <summary>An answer (possibly <see cref="Answer.NoAnswer"/>). <paramref name="Note"/> is set when the question was cut.</summary>
    public sealed record Answered(Answer Answer, string? Note) : ChatReply;

    /// <summary>A short message instead of an answer: usage text for an empty question, or the rate-limit notice.</summary>
    public sealed record Notice(string Text, AnswerLanguage Language) : ChatReply;

    /// <summary>Nothing to send (the user was already told about the rate limit).</summary>
    public sealed record Silent : ChatReply;
}

/// <summary>
/// The one path every adapter sends questions through: cleaning, the per-user rate limit,
/// the conversation's recent turns, and the answer layer.
/// </summary>
public sealed partial class ChatPipeline(
    IAnswerService answers,
    UserRateLimiter rateLimiter,
    ConversationMemory memory,
    ILogger<ChatPipeline> logger)
{
    public async Task<ChatReply> HandleAsync(IncomingQuestion question, CancellationToken cancellationToken)
    {
        var clean = QuestionSanitizer.Sanitize(question.Text);
        var language = LanguageDetector.Detect(clean.Text);
        var labels = AnswerLabels.For(language);
        if (clean.IsEmpty && !question.BothSides)
        {
            return new ChatReply.Notice(labels.Usage, language);
        }

        switch (question.RateLimited ? rateLimiter.TryAcquire(question.UserKey) : RateLimitDecision.Allowed)
        {
            case RateLimitDecision.DeniedNotify:
                Log.RateLimited(logger, question.UserKey);
                return new ChatReply.Notice(labels.RateLimited, language);
            case RateLimitDecision.DeniedSilent:
                return new ChatReply.Silent();
        }

        var history = memory.Recent(question.ConversationKey);
        var answer = await answers.AnswerAsync(new AnswerRequest(clean.Text, history, question.BothSides), cancellationToken);
        memory.Remember(question.ConversationKey, new ConversationTurn(clean.Text, answer.Text));
        return new ChatReply.Answered(answer, clean.WasTruncated ? labels.Truncated : null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Rate limit reached for {UserKey}")]
        public static partial void RateLimited(ILogger logger, string userKey);
    }
}
