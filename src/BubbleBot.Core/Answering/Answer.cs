using BubbleBot.Core.Corpus;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Answering;

/// <summary>A question as an adapter hands it to the answer layer, with the recent exchange of its conversation.</summary>
/// <param name="BothSides">Asked as a command (<c>/sides</c>, <c>sides</c>): both sides of the debate, on the question's topic if it has one.</param>
public sealed record AnswerRequest(string Question, IReadOnlyList<ConversationTurn>? History = null, bool BothSides = false)
{
    /// <summary>The conversation's previous question, which a short follow-up ("为什么？") is read against.</summary>
    public string? PreviousQuestion => History is { Count: > 0 } history ? history[^1].Question : null;
}

/// <summary>One earlier question and the answer the bot gave, used to understand follow-ups.</summary>
public sealed record ConversationTurn(string Question, string Answer);

/// <summary>
/// What the bot says: <see cref="Text"/> carries [n] markers that refer to <see cref="Citations"/>.
/// Adapters render the source list themselves, in their platform's markup, one line per article (<see cref="Sources"/>).
/// </summary>
public sealed record Answer(
    string Question,
    string Text,
    bool NoAnswer,
    IReadOnlyList<Citation> Citations,
    AnswerLanguage Language)
{
    /// <summary>The cited articles in order of first citation, each once, with the numbers of its quotes.</summary>
    public IReadOnlyList<SourceGroup> Sources =>
        [.. Citations.OrderBy(c => c.N).GroupBy(c => c.DocId).Select(g => new SourceGroup([.. g.Select(c => c.N)], g.First()))];
}

/// <summary>One article in an answer's source list: the numbers of its quotes and its first citation (title, link, byline).</summary>
public sealed record SourceGroup(IReadOnlyList<int> Numbers, Citation Citation)
{
    /// <summary>"[1][3]": the markers that point at this article.</summary>
    public string Markers => string.Concat(Numbers.Select(n => $"[{n}]"));
}

/// <summary>A numbered quote of an answer. <see cref="Quote"/> is verbatim article text (Markdown emphasis removed).</summary>
/// <param name="Link">Where a reader should land: the canonical URL, with a text fragment pointing at the quote where the page carries the same text; null when the article has no public URL.</param>
/// <param name="About">For English askers of a Chinese article: its one-line English summary.</param>
/// <param name="Stance">In an answer giving both sides: the side this quote argues.</param>
public sealed record Citation(
    int N,
    string DocId,
    string Title,
    string? Url,
    string Quote,
    string Author,
    string? Published,
    string? Link,
    string? About = null,
    Stance? Stance = null);

public interface IAnswerService
{
    Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken);
}
