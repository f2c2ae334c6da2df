using BubbleBot.Core.Retrieval;
using BubbleBot.Llm.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm.Embeddings;

/// <summary>
/// Unit-length vectors of every chunk, built once in the background after start (from the cache, embedding only what
/// is missing, in batches, saving the cache after every batch so a failure or a stop keeps the work already done).
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

    private readonly TaskCompletionSource _built = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private float[][]? _vectors;
    private int _started;
    private int _mismatchReported;

    public bool IsReady => Volatile.Read(ref _vectors) is not null;

    /// <summary>Completes when building has ended, whether the index is then ready, failed or was cancelled.</summary>
    public Task Built => _built.Task;

    private EmbeddingSource Source => EmbeddingSource.From(options.Value);

    /// <summary>
    /// Loads or computes the chunk vectors, once. Never throws for a model failure: it logs and leaves the index empty.
    /// A cancellation (the host stopping) ends it with an <see cref="OperationCanceledException"/>, after the batches
    /// already embedded have been saved.
    /// </summary>
    public async Task BuildAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            await Built.WaitAsync(cancellationToken);
            return;
        }

        try
        {
            await BuildCoreAsync(cancellationToken);
        }
        finally
        {
            _built.TrySetResult();
        }
    }

    private async Task BuildCoreAsync(CancellationToken cancellationToken)
    {
        var source = Source;
        var chunks = chunkStore.Chunks;
        var cached = cache.Load(source);
        var dimensions = cached.Values.FirstOrDefault()?.Length;
        var keys = chunks.Select(c => EmbeddingCache.Key(source, c.Text)).ToArray();
        var pending = new Queue<int>(Enumerable.Range(0, chunks.Count).Where(i => !cached.ContainsKey(keys[i])));
        var embedded = 0;
        try
        {
            while (pending.Count > 0)
            {
                var batch = Dequeue(pending, BatchSize);
                var vectors = await EmbedAsync([.. batch.Select(i => chunks[i].Text)], cancellationToken);
                if (vectors.Count != batch.Length)
                {
                    LlmLog.EmbeddingCountMismatch(logger, batch.Length, vectors.Count);
                    return;
                }

                var width = vectors[0].Length;
                if (vectors.FirstOrDefault(v => v.Length != width) is { } odd)
                {
                    LlmLog.EmbeddingDimensionsInconsistent(logger, width, odd.Length);
                    return;
                }

                if (dimensions is { } expected && expected != width)
                {
                    if (embedded > 0)
                    {
                        LlmLog.EmbeddingDimensionsInconsistent(logger, expected, width);
                        return;
                    }

                    // The cached vectors came from another model behind the same name: embed everything again.
                    LlmLog.CacheDimensionMismatch(logger, cache.PathFor(source), expected, width);
                    cached.Clear();
                    pending = new Queue<int>(Enumerable.Range(0, chunks.Count).Except(batch));
                }

                dimensions = width;
                for (var j = 0; j < batch.Length; j++)
                {
                    cached[keys[batch[j]]] = vectors[j];
                }

                embedded += batch.Length;

                // Saved after every batch: a later failure, a stop or a crash keeps what is done.
                // Only the current corpus is kept, so the file does not grow with every edit.
                cache.Save(source, keys.Distinct().Where(cached.ContainsKey).ToDictionary(k => k, k => cached[k], StringComparer.Ordinal));
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LlmLog.EmbeddingsFailed(logger, source.Model, ex);
            return;
        }

        Volatile.Write(ref _vectors, [.. keys.Select(k => Normalize(cached[k]))]);
        LlmLog.EmbeddingsReady(logger, source.Model, chunks.Count, chunks.Count - embedded, embedded, cache.PathFor(source));
    }

    private static int[] Dequeue(Queue<int> queue, int count)
    {
        var batch = new int[Math.Min(count, queue.Count)];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = queue.Dequeue();
        }

        return batch;
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

        if (vectors.Length > 0 && vectors[0].Length != query.Length)
        {
            // The model behind the configured name changed since the vectors were made: none of them is comparable.
            if (Interlocked.Exchange(ref _mismatchReported, 1) == 0)
            {
                var source = Source;
                LlmLog.QueryDimensionMismatch(logger, vectors[0].Length, query.Length, cache.PathFor(source));
                cache.Delete(source);
            }

            return [];
        }

        var chunks = chunkStore.Chunks;
        var floor = options.Value.MinSimilarity;
        var hits = new List<RetrievalHit>();
        for (var i = 0; i < vectors.Length; i++)
        {
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
