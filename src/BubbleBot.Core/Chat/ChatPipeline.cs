using BubbleBot.Core.Answering;
using BubbleBot.Core.Feedback;
using BubbleBot.Core.Text;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Core.Chat;

/// <summary>A question as it arrives from any chat platform.</summary>
/// <param name="UserKey">Who asked, unique across platforms (for example <c>telegram:42</c>): the rate limit is per user.</param>
/// <param name="ConversationKey">Which conversation it belongs to (a private chat, a reply chain, a thread), for follow-ups.</param>
/// <param name="RateLimited">False for the local operator (the console chat, the command line), who is not a chat user to protect against.</param>
/// <param name="BothSides">Sent as the <c>/sides</c> command: both sides of the debate, on <paramref name="Text"/> as topic if any.</param>
/// <param name="Platform">The chat platform (<c>telegram</c>, <c>discord</c>); set, the question and its answer are recorded for the operator's report.</param>
/// <param name="Chat">The chat or channel it came from, recorded with it.</param>
public sealed record IncomingQuestion(string UserKey, string ConversationKey, string Text, bool RateLimited = true, bool BothSides = false, string? Platform = null, string? Chat = null);

/// <summary>What an adapter should send back.</summary>
public abstract record ChatReply
{
    private ChatReply()
    {
    }

    /// <summary>
    /// An answer (possibly <see cref="Answer.NoAnswer"/>). <paramref name="Note"/> is set when the question was cut;
    /// <paramref name="AnswerId"/> when it was recorded, for the vote buttons under it.
    /// </summary>
    public sealed record Answered(Answer Answer, string? Note, string? AnswerId = null) : ChatReply;

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
    ILogger<ChatPipeline> logger,
    FeedbackRecorder? feedback = null)
{
    /// <summary>Admission and answer in one step (for callers without a stage of their own, such as the console chat).</summary>
    public async Task<ChatReply> HandleAsync(IncomingQuestion question, CancellationToken cancellationToken) =>
        Admit(question) ?? await AnswerAdmittedAsync(question, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The per-user rate limit, checked when a question (or command) arrives, before it takes a place in the answering
    /// stage, a typing call or a model call. Null when admitted; otherwise the reply to send instead (the rate-limit
    /// notice once per window, then silence).
    /// </summary>
    public ChatReply? Admit(IncomingQuestion question)
    {
        switch (question.RateLimited ? rateLimiter.TryAcquire(question.UserKey) : RateLimitDecision.Allowed)
        {
            case RateLimitDecision.DeniedNotify:
                Log.RateLimited(logger, question.UserKey);
                var language = LanguageDetector.Detect(QuestionSanitizer.Sanitize(question.Text).Text);
                return new ChatReply.Notice(AnswerLabels.For(language).RateLimited, language);
            case RateLimitDecision.DeniedSilent:
                return new ChatReply.Silent();
            default:
                return null;
        }
    }

    /// <summary>Answers a question that <see cref="Admit"/> already let through (it is not counted again).</summary>
    public async Task<ChatReply> AnswerAdmittedAsync(IncomingQuestion question, CancellationToken cancellationToken)
    {
        var clean = QuestionSanitizer.Sanitize(question.Text);
        var language = LanguageDetector.Detect(clean.Text);
        var labels = AnswerLabels.For(language);
        if (clean.IsEmpty && !question.BothSides)
        {
            return new ChatReply.Notice(labels.Usage, language);
        }

        var history = memory.Recent(question.ConversationKey);
        var answer = await answers.AnswerAsync(new AnswerRequest(clean.Text, history, question.BothSides), cancellationToken).ConfigureAwait(false);
        memory.Remember(question.ConversationKey, new ConversationTurn(clean.Text, answer.Text));
        var answerId = question.Platform is { } platform
            ? feedback?.RecordQuestion(platform, question.Chat, question.UserKey, language.ToString(), clean.Text, KindOf(answer, question.BothSides),
                [.. answer.Citations.Select(c => new CitedPassage(c.N, c.DocId, c.Quote))])
            : null;
        return new ChatReply.Answered(answer, clean.WasTruncated ? labels.Truncated : null, answerId);
    }

    /// <summary>
    /// Links a message the bot sent (<paramref name="sentKey"/>, the platform's key for it) to the conversation it
    /// answered, so a reply to that message continues the conversation. Adapters call this for every part they send.
    /// </summary>
    public void LinkReply(string conversationKey, string sentKey) => memory.Alias(conversationKey, sentKey);

    /// <summary>What the operator's report counts the answer as.</summary>
    internal static AnswerKind KindOf(Answer answer, bool bothSides)
    {
        if (answer.NoAnswer)
        {
            // The refusal that names a subject the articles never mention starts with that label's fixed part.
            var absent = AnswerLabels.For(answer.Language).AbsentSubject;
            var fixedPart = absent[..Math.Max(0, absent.IndexOf("{0}", StringComparison.Ordinal))];
            return fixedPart.Length > 0 && answer.Text.Contains(fixedPart, StringComparison.Ordinal) ? AnswerKind.AbsentSubject : AnswerKind.Refused;
        }

        return bothSides ? AnswerKind.Sides : AnswerKind.Answered;
    }

    /// <summary>The short reply for a question the answering stage could not take.</summary>
    public static ChatReply.Notice Busy(string questionText)
    {
        var language = LanguageDetector.Detect(QuestionSanitizer.Sanitize(questionText).Text);
        return new ChatReply.Notice(BusyText(language), language);
    }

    public static string BusyText(AnswerLanguage language) => language switch
    {
        AnswerLanguage.SimplifiedChinese => "现在问题太多，请稍后再问一次。",
        AnswerLanguage.TraditionalChinese => "現在問題太多，請稍後再問一次。",
        _ => "I'm busy answering other questions right now; please try again in a minute.",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Rate limit reached for {UserKey}")]
        public static partial void RateLimited(ILogger logger, string userKey);
    }
}
