using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;

namespace BubbleBot.Llm.Embeddings;

/// <summary>
/// Hybrid retrieval by reciprocal rank fusion (score = Σ 1/(k + rank), k = 60) of the BM25 and the vector hits.
/// Each list keeps its own relevance floor: a question is refused when neither BM25's relevance decision nor the
/// vector similarity floor lets any passage through, and always when the question analysis refuses it (an attempt to
/// change the instructions, a subject the articles never mention). Until the vector index is ready (it is built in the background
/// after start) or if building it failed, retrieval is exactly BM25's: the same hits, scores and floor.
/// </summary>
public sealed class FusedRetriever(LiveRetriever lexical, VectorRetriever semantic) : IRetriever
{
    public const int K = 60;

    /// <summary>Each retriever contributes this many candidates at least, so fusion can lift a passage both rank fairly.</summary>
    private const int Pool = 20;

    public async Task<RetrievalResult> RetrieveAsync(RetrievalRequest request, int top, CancellationToken cancellationToken)
    {
        if (!semantic.IsReady)
        {
            return await lexical.RetrieveAsync(request, top, cancellationToken);
        }

        var pool = Math.Max(top * 2, Pool);
        var lexicalResult = await lexical.RetrieveAsync(request, pool, cancellationToken);
        if (lexicalResult.Verdict is RelevanceVerdict.Injection or RelevanceVerdict.AbsentSubject)
        {
            return lexicalResult;
        }

        var semanticHits = await semantic.RetrieveAsync(request.Question, pool, cancellationToken);
        var fused = Fuse(top, lexicalResult.Hits, semanticHits);
        return fused.Count == 0
            ? lexicalResult
            : lexicalResult with { Hits = fused, Verdict = RelevanceVerdict.Answerable };
    }

    internal static IReadOnlyList<RetrievalHit> Fuse(int top, params IReadOnlyList<RetrievalHit>[] rankings)
    {
        var scores = new Dictionary<string, (Chunk Chunk, double Score, int FirstSeen)>(StringComparer.Ordinal);
        var order = 0;
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                var chunk = ranking[rank].Chunk;
                var contribution = 1.0 / (K + rank + 1);
                scores[chunk.Id] = scores.TryGetValue(chunk.Id, out var existing)
                    ? (chunk, existing.Score + contribution, existing.FirstSeen)
                    : (chunk, contribution, order++);
            }
        }

        // Ties (equal rank in both lists) go to the passage met first, i.e. BM25's.
        return [.. scores.Values
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.FirstSeen)
            .Take(top)
            .Select(s => new RetrievalHit(s.Chunk, s.Score))];
    }
}
