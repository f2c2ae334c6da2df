using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;

namespace BubbleBot.Cli;

/// <summary>The JSON contract of <c>ask --json</c>: one object per question.</summary>
public sealed record AnswerJson(
    string Question,
    string Answer,
    bool NoAnswer,
    IReadOnlyList<CitationJson> Citations,
    bool Truncated)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Chinese stays readable; JSON-significant characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <param name="truncated">The question was cut to its first 1,000 characters before it was answered.</param>
    public static AnswerJson From(Answer answer, bool truncated = false) => new(
        answer.Question,
        answer.Text,
        answer.NoAnswer,
        [.. answer.Citations.Select(c => new CitationJson(c.N, c.DocId, c.Title, c.Url, c.Quote, StanceName(c.Stance)))],
        truncated);

    /// <summary>The stance as the corpus front matter spells it.</summary>
    private static string? StanceName(Stance? stance) => stance switch
    {
        Stance.Bubble => "bubble",
        Stance.NotBubble => "not-bubble",
        Stance.Mixed => "mixed",
        _ => null,
    };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Options);
}

/// <param name="Stance">Only in an answer giving both sides: <c>bubble</c>, <c>not-bubble</c> or <c>mixed</c>.</param>
public sealed record CitationJson(int N, string DocId, string Title, string? Url, string Quote,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Stance = null);
