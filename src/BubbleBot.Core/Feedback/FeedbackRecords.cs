using System.Security.Cryptography;
using System.Text;

namespace BubbleBot.Core.Feedback;

/// <summary>What became of a question.</summary>
public enum AnswerKind
{
    Answered,

    /// <summary>Nothing in the articles answered it.</summary>
    Refused,

    /// <summary>Refused naming a subject the articles never mention.</summary>
    AbsentSubject,

    /// <summary>Both sides of the debate (<c>/sides</c>).</summary>
    Sides,
}

/// <summary>One quote of an answer as stored: its number, article and text.</summary>
public sealed record CitedPassage(int N, string DocId, string Quote);

/// <summary>
/// One question and what the bot answered. <paramref name="UserHash"/> is <see cref="FeedbackUser.Hash"/> of the
/// platform's user key: the raw id or name is never kept.
/// </summary>
public sealed record QuestionRecord(
    string Id,
    DateTimeOffset At,
    string Platform,
    string? Chat,
    string UserHash,
    string Language,
    string Text,
    AnswerKind Kind,
    IReadOnlyList<CitedPassage> Citations);

/// <summary>A user's vote on an answer: +1 or -1. A later vote of the same user on the same answer replaces it.</summary>
public sealed record VoteRecord(string AnswerId, string UserHash, int Value, DateTimeOffset At);

/// <summary>What a store holds for a period.</summary>
public sealed record FeedbackData(IReadOnlyList<QuestionRecord> Questions, IReadOnlyList<VoteRecord> Votes);

public static class FeedbackUser
{
    // A fixed prefix keeps these hashes from matching plain SHA-256 tables of bare ids. Platform ids are enumerable,
    // so the hash hides ids from a casual reader of the file, not from someone who sets out to reverse it.
    private const string Prefix = "bubblebot-feedback:";

    /// <summary>The stored form of a user key such as <c>telegram:42</c>: 32 hex digits of SHA-256.</summary>
    public static string Hash(string userKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Prefix + userKey)))[..32];
}
