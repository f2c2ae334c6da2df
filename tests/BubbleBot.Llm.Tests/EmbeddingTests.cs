using BubbleBot.Core.Answering;
using BubbleBot.Core.Retrieval;
using BubbleBot.Llm.Answering;
using BubbleBot.Llm.Configuration;
using BubbleBot.Llm.Embeddings;
using BubbleBot.Llm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm.Tests;

/// <summary>The vector index: built in the background after start, cached per embedding source, checked for its dimension.</summary>
public sealed class EmbeddingTests : IClassFixture<FakeServerFixture>, IDisposable
{
    private const string Question = "OpenAI 会在18个月内耗尽资金吗？";

    /// <summary>Only a guard against a regression hanging the run (e.g. a start that waits for the gated embeddings); nothing is timed.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly FakeModelServer _server;
    private readonly TempFolder _data = new();

    public EmbeddingTests(FakeServerFixture fixture)
    {
        _server = fixture.Server;
        _server.Reset();
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_host_starts_before_the_corpus_is_embedded_and_retrieval_is_bm25_until_the_index_is_ready()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.OnEmbeddings = async (_, aborted) =>
        {
            await gate.Task.WaitAsync(aborted);
            return 200;
        };
        using var host = await TestHost.StartAsync(HybridSettings()).WaitAsync(HangGuard);
        var index = host.Services.GetRequiredService<VectorIndex>();
        var retriever = host.Services.GetRequiredService<IRetriever>();
        var lexical = host.Services.GetRequiredService<LuceneRetriever>();

        Assert.False(index.IsReady);
        Assert.False(index.Built.IsCompleted);
        var before = (await retriever.RetrieveAsync(new RetrievalRequest(Question), ModelAnswerService.Passages, default)).Hits;
        var bm25 = (await lexical.RetrieveAsync(new RetrievalRequest(Question), ModelAnswerService.Passages, default)).Hits;
        Assert.Equal(bm25.Select(h => (h.Chunk.Id, h.Score)), before.Select(h => (h.Chunk.Id, h.Score)));
        Assert.DoesNotContain(_server.EmbeddingRequests, r => r.Contains(Question));

        gate.SetResult();
        await index.Built.WaitAsync(HangGuard);

        Assert.True(index.IsReady);
        await retriever.RetrieveAsync(new RetrievalRequest(Question), ModelAnswerService.Passages, default);
        Assert.Equal([Question], _server.EmbeddingRequests.Last());
    }

    [Fact]
    public async Task A_failure_part_way_keeps_the_batches_already_embedded()
    {
        var requests = 0;
        _server.OnEmbeddings = (_, _) => Task.FromResult(Interlocked.Increment(ref requests) == 1 ? 200 : 500);
        var settings = HybridSettings();
        int chunks;
        using (var first = await TestHost.StartAsync(settings))
        {
            await first.EmbeddingsBuilt();
            chunks = first.Services.GetRequiredService<IChunkStore>().Chunks.Count;
            Assert.True(chunks > VectorIndex.BatchSize, "the corpus should need more than one batch");
            Assert.Contains(first.Logs().GetSnapshot(), r => r.Id.Id == 4031);
            Assert.False(first.Services.GetRequiredService<VectorIndex>().IsReady);
        }

        _server.Reset();
        using var second = await TestHost.StartAsync(settings);
        await second.EmbeddingsBuilt();

        Assert.Equal(chunks - VectorIndex.BatchSize, _server.EmbeddingRequests.Sum(r => r.Count));
        Assert.Contains(second.Logs().GetSnapshot(), r => r.Id.Id == 4030 && r.Message.Contains($"{VectorIndex.BatchSize} from the cache"));
        Assert.True(second.Services.GetRequiredService<VectorIndex>().IsReady);
    }

    [Fact]
    public async Task Stopping_the_host_mid_build_keeps_the_batches_already_embedded()
    {
        var secondBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = 0;
        _server.OnEmbeddings = async (_, aborted) =>
        {
            if (Interlocked.Increment(ref requests) > 1)
            {
                secondBatch.TrySetResult();
                await Task.Delay(Timeout.Infinite, aborted);
            }

            return 200;
        };
        var settings = HybridSettings();
        using (var first = await TestHost.StartAsync(settings))
        {
            await secondBatch.Task.WaitAsync(HangGuard);
            await first.StopAsync().WaitAsync(HangGuard);

            Assert.True(first.EmbeddingsBuilt().IsCompleted);
            Assert.False(first.Services.GetRequiredService<VectorIndex>().IsReady);
            Assert.DoesNotContain(first.Logs().GetSnapshot(), r => r.Id.Id == 4031);
        }

        _server.Reset();
        using var second = await TestHost.StartAsync(settings);
        await second.EmbeddingsBuilt();

        Assert.Contains(second.Logs().GetSnapshot(), r => r.Id.Id == 4030 && r.Message.Contains($"{VectorIndex.BatchSize} from the cache"));
    }

    [Fact]
    public void The_cache_file_and_keys_depend_on_provider_endpoint_and_model()
    {
        var cache = new EmbeddingCache(Options.Create(new StorageOptions { DataPath = _data.Path }), new FakeLogger<EmbeddingCache>());
        var local = new EmbeddingSource("OpenAICompatible", EmbeddingSource.NormalizeEndpoint("http://LOCALHOST:11434/v1/"), "nomic-embed-text");
        var sameSpelledOtherwise = new EmbeddingSource("OpenAICompatible", EmbeddingSource.NormalizeEndpoint("http://localhost:11434/v1"), "nomic-embed-text");
        var otherServer = local with { Endpoint = EmbeddingSource.NormalizeEndpoint("http://gpu-box:11434/v1") };
        var otherProvider = local with { Provider = "AzureOpenAI" };

        Assert.Equal(cache.PathFor(local), cache.PathFor(sameSpelledOtherwise));
        Assert.Equal(EmbeddingCache.Key(local, "text"), EmbeddingCache.Key(sameSpelledOtherwise, "text"));
        Assert.Equal(3, new[] { local, otherServer, otherProvider }.Select(cache.PathFor).Distinct().Count());
        Assert.Equal(3, new[] { local, otherServer, otherProvider }.Select(s => EmbeddingCache.Key(s, "text")).Distinct().Count());
        Assert.StartsWith("nomic-embed-text-", Path.GetFileName(cache.PathFor(local)));
    }

    [Fact]
    public void A_cache_with_vectors_of_mixed_dimensions_is_discarded_with_a_warning()
    {
        var logger = new FakeLogger<EmbeddingCache>();
        var cache = new EmbeddingCache(Options.Create(new StorageOptions { DataPath = _data.Path }), logger);
        var source = new EmbeddingSource("OpenAI", string.Empty, "text-embedding-3-small");
        cache.Save(source, new Dictionary<string, float[]> { ["a"] = new float[64], ["b"] = new float[16] });

        Assert.Empty(cache.Load(source));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 4036);

        cache.Save(source, new Dictionary<string, float[]> { ["a"] = [1, 0], ["b"] = [0, 1] });
        Assert.Equal(2, cache.Load(source).Count);
    }

    [Fact]
    public async Task Cached_vectors_of_another_dimension_than_the_model_returns_are_embedded_again()
    {
        var settings = HybridSettings();
        int chunks;
        using (var seeding = TestHost.Build(settings))
        {
            // A cache from a model that returned 16 dimensions, missing one passage.
            var all = seeding.Services.GetRequiredService<IChunkStore>().Chunks;
            chunks = all.Count;
            Seed(seeding, all.Skip(1), dimensions: 16);
        }

        using var host = await TestHost.StartAsync(settings);
        await host.EmbeddingsBuilt();

        Assert.Contains(host.Logs().GetSnapshot(), r => r.Id.Id == 4036);
        Assert.Equal(chunks, _server.EmbeddingRequests.Sum(r => r.Count));
        Assert.True(host.Services.GetRequiredService<VectorIndex>().IsReady);
        var hits = await host.Services.GetRequiredService<VectorRetriever>().RetrieveAsync(Question, 3, default);
        Assert.NotEmpty(hits);
    }

    [Fact]
    public async Task A_question_embedding_of_another_dimension_is_reported_and_the_stale_cache_removed()
    {
        var settings = HybridSettings();
        string path;
        using (var seeding = TestHost.Build(settings))
        {
            path = Seed(seeding, seeding.Services.GetRequiredService<IChunkStore>().Chunks, dimensions: 16);
        }

        using var host = await TestHost.StartAsync(settings);
        await host.EmbeddingsBuilt();
        Assert.Empty(_server.EmbeddingRequests);

        var first = await host.Services.GetRequiredService<IAnswerService>().AnswerAsync(new AnswerRequest(Question), default);
        await host.Services.GetRequiredService<IAnswerService>().AnswerAsync(new AnswerRequest(Question), default);

        Assert.False(first.NoAnswer);
        Assert.Single(host.Logs().GetSnapshot(), r => r.Id.Id == 4037);
        Assert.False(File.Exists(path));
    }

    private Dictionary<string, string?> HybridSettings()
    {
        var settings = TestHost.Settings(_server, _data.Path);
        settings["LLM:EmbeddingModel"] = "fake-embed";
        settings["LLM:MinSimilarity"] = "0.3";
        return settings;
    }

    /// <summary>Writes a cache of constant vectors of the given dimension for these chunks; returns its path.</summary>
    private static string Seed(IHost host, IEnumerable<Chunk> chunks, int dimensions)
    {
        var cache = host.Services.GetRequiredService<EmbeddingCache>();
        var source = EmbeddingSource.From(host.Services.GetRequiredService<IOptions<LlmOptions>>().Value);
        var vectors = chunks
            .Select(c => EmbeddingCache.Key(source, c.Text))
            .Distinct()
            .ToDictionary(k => k, _ => Enumerable.Repeat(1f, dimensions).ToArray());
        cache.Save(source, vectors);
        return cache.PathFor(source);
    }
}
