using BubbleBot.Core.Retrieval;
using BubbleBot.Llm.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm.Embeddings;

/// <summary>
/// Unit-length vectors of every chunk, built once at start (from the cache, embedding only what is missing, in batches).
/// Until it is ready, or if building it failed, it finds nothing and retrieval is BM25 only.
/// </summary>
public sealed class VectorIndex(
    IChunkStore chunkStore,
    IEmbeddingGenerator<string, Embedding<float>> generator,
    EmbeddingCache cache,
    IOptions<LlmOptions> options,
    TimeProvider timeProvider,
    ILogger<VectorIndex> logger)
{
    /// <summary>Texts per embedding request: small enough for local servers, large enough to start quickly.</summary>
    public const int BatchSize = 32;

    private float[][]? _vectors;

    public bool IsReady => Volatile.Read(ref _vectors) is not null;

    private string Model => options.Value.EmbeddingModel!;

    /// <summary>Loads or computes the chunk vectors. Never throws for a model failure: it logs and leaves the index empty.</summary>
    public async Task BuildAsync(CancellationToken cancellationToken)
    {
        var chunks = chunkStore.Chunks;
        var cached = cache.Load(Model);
        var keys = chunks.Select(c => EmbeddingCache.Key(Model, c.Text)).ToArray();
        var missing = Enumerable.Range(0, chunks.Count).Where(i => !cached.ContainsKey(keys[i])).ToList();
        try
        {
            foreach (var batch in missing.Chunk(BatchSize))
            {
                var vectors = await EmbedAsync([.. batch.Select(i => chunks[i].Text)], cancellationToken);
                if (vectors.Count != batch.Length)
                {
                    LlmLog.EmbeddingCountMismatch(logger, batch.Length, vectors.Count);
                    return;
                }

                for (var j = 0; j < batch.Length; j++)
                {
                    cached[keys[batch[j]]] = vectors[j];
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LlmLog.EmbeddingsFailed(logger, Model, ex);
            return;
        }

        if (missing.Count > 0)
        {
            // Only the current corpus is kept, so the file does not grow with every edit.
            cache.Save(Model, keys.Distinct().ToDictionary(k => k, k => cached[k], StringComparer.Ordinal));
        }

        Volatile.Write(ref _vectors, [.. keys.Select(k => Normalize(cached[k]))]);
        LlmLog.EmbeddingsReady(logger, Model, chunks.Count, chunks.Count - missing.Count, missing.Count, cache.PathFor(Model));
    }

    /// <summary>Chunks by cosine similarity to the question, best first, at or above <c>LLM:MinSimilarity</c>.</summary>
    public async Task<IReadOnlyList<RetrievalHit>> SearchAsync(string question, int top, CancellationToken cancellationToken)
    {
        var vectors = Volatile.Read(ref _vectors);
        if (vectors is null)
        {
            return [];
        }

        float[] query;
        try
        {
            var embedded = await EmbedAsync([question], cancellationToken);
            if (embedded.Count != 1)
            {
                return [];
            }

            query = Normalize(embedded[0]);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LlmLog.QueryEmbeddingFailed(logger, ex);
            return [];
        }

        var chunks = chunkStore.Chunks;
        var floor = options.Value.MinSimilarity;
        var hits = new List<RetrievalHit>();
        for (var i = 0; i < vectors.Length; i++)
        {
            if (vectors[i].Length != query.Length)
            {
                continue;
            }

            var similarity = Dot(vectors[i], query);
            if (similarity >= floor)
            {
                hits.Add(new RetrievalHit(chunks[i], similarity));
            }
        }

        return [.. hits.OrderByDescending(h => h.Score).Take(top)];
    }

    private async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Value.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var embeddings = await generator.GenerateAsync(texts, cancellationToken: linked.Token);
        return [.. embeddings.Select(e => e.Vector.ToArray())];
    }

    private static float[] Normalize(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        return norm == 0 ? vector : [.. vector.Select(v => (float)(v / norm))];
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
