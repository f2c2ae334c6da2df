namespace BubbleBot.Core.Retrieval;

/// <summary>
/// A passage of one article. <see cref="Start"/> and <see cref="End"/> are offsets into the article's clean body,
/// so <c>body[Start..End] == Text</c> and every quote cut from it is verbatim.
/// </summary>
public sealed record Chunk(
    string Id,
    string DocId,
    int Index,
    string Text,
    int Start,
    int End,
    string? Heading,
    string? Speaker);

/// <summary>A chunk that a retriever judged relevant, with its score in that retriever's own scale.</summary>
public sealed record RetrievalHit(Chunk Chunk, double Score);

/// <summary>
/// Finds the passages that answer a question. Implementations apply their own relevance floor:
/// an empty list means the corpus does not cover the question.
/// </summary>
public interface IRetriever
{
    Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(string question, int top, CancellationToken cancellationToken);
}

/// <summary>Every chunk of the corpus, in a stable order (for embedding, benchmarks and brute-force baselines).</summary>
public interface IChunkStore
{
    IReadOnlyList<Chunk> Chunks { get; }
}
