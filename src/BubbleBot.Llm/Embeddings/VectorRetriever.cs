using BubbleBot.Core.Retrieval;

namespace BubbleBot.Llm.Embeddings;

/// <summary>Semantic retrieval: the question's embedding against every chunk's, with the similarity floor applied.</summary>
public sealed class VectorRetriever(VectorIndex index)
{
    /// <summary>False until the corpus is embedded (and for good if that failed).</summary>
    public bool IsReady => index.IsReady;

    public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(string question, int top, CancellationToken cancellationToken) =>
        index.SearchAsync(question, top, cancellationToken);
}
