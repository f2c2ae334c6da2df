namespace BubbleBot.Core.Retrieval;

/// <summary>
/// A passage of one article. <see cref="Start"/> and <see cref="End"/> are offsets into the article's clean body,
/// so <c>body[Start..End] == Text</c> and every quote cut from it is verbatim.
/// </summary>
public sealed class Chunk(string id, string docId, int index, string articleBody, int start, int end, string? heading, string? speaker)
{
    public string Id { get; } = id;

    public string DocId { get; } = docId;

    /// <summary>Position of the chunk within its article.</summary>
    public int Index { get; } = index;

    public int Start { get; } = start;

    public int End { get; } = end;

    public string? Heading { get; } = heading;

    public string? Speaker { get; } = speaker;

    /// <summary>The passage, sliced from the article body when asked for, so the corpus text is held in memory once.</summary>
    public string Text => articleBody[Start..End];

    public override string ToString() => Id;
}

/// <summary>A chunk that a retriever judged relevant, with its score in that retriever's own scale.</summary>
public sealed record RetrievalHit(Chunk Chunk, double Score);

/// <summary>A question to retrieve passages for, with the previous question of its conversation for follow-ups.</summary>
public sealed record RetrievalRequest(string Question, string? PreviousQuestion = null, bool BothSides = false);

/// <summary>
/// Finds the passages that answer a question and decides whether they do. The result carries the question's analysis,
/// so the answer layer never analyses the question a second time.
/// </summary>
public interface IRetriever
{
    Task<RetrievalResult> RetrieveAsync(RetrievalRequest request, int top, CancellationToken cancellationToken);
}

/// <summary>Every chunk of the corpus, in a stable order (for embedding, benchmarks and brute-force baselines).</summary>
public interface IChunkStore
{
    IReadOnlyList<Chunk> Chunks { get; }

    /// <summary>The chunks of one article in order, so that <c>ChunksOf(id)[chunk.Index]</c> is the chunk itself.</summary>
    IReadOnlyList<Chunk> ChunksOf(string articleId);
}
