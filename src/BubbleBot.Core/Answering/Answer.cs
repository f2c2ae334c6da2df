namespace BubbleBot.Core.Answering;

/// <summary>A question as an adapter hands it to the answer layer, with the recent exchange of its conversation.</summary>
public sealed record AnswerRequest(string Question, IReadOnlyList<ConversationTurn>? History = null);

/// <summary>One earlier question and the answer the bot gave, used to understand follow-ups.</summary>
public sealed record ConversationTurn(string Question, string Answer);

/// <summary>
/// What the bot says: <see cref="Text"/> carries [n] markers that refer to <see cref="Citations"/>.
/// Adapters render the source list themselves, in their platform's markup.
/// </summary>
public sealed record Answer(
    string Question,
    string Text,
    bool NoAnswer,
    IReadOnlyList<Citation> Citations,
    AnswerLanguage Language);

/// <summary>A numbered source of an answer. <see cref="Quote"/> is verbatim article text.</summary>
/// <param name="Link">Where a reader should land: the canonical URL, with a text fragment pointing at the quote where the page carries the same text; null when the article has no public URL.</param>
public sealed record Citation(
    int N,
    string DocId,
    string Title,
    string? Url,
    string Quote,
    string Author,
    string? Published,
    string? Link);

public interface IAnswerService
{
    Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken);
}
