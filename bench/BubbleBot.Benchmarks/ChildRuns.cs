using BubbleBot.Core;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BubbleBot.Benchmarks;

/// <summary>Settings handed from the orchestrator to a child process.</summary>
internal sealed record ChildSettings(string Corpus, string DataPath, string Questions, TimeSpan Budget, int MaxSamples, bool BruteForce);

/// <summary>
/// The measurements, each run in a fresh process so that start-up and peak working set are clean. Everything goes
/// through the real path: the Generic Host with <c>AddBubbleBotCore</c>, <c>Corpus:Path</c> and <c>Storage:DataPath</c>.
/// </summary>
internal static class ChildRuns
{
    public const string ReadyLine = "BENCH-READY";
    public const string SlowLine = "BENCH-SLOW";

    /// <summary>Start from nothing (or from a persisted index), then time retrieval, answers, throughput and memory.</summary>
    public static async Task<Dictionary<string, double>> ServeAsync(ChildSettings settings, bool reuse)
    {
        var metrics = new Dictionary<string, double> { ["startup.process_to_main_ms"] = Measure.SinceProcessStartMs() };
        if (!reuse && Directory.Exists(Path.Combine(settings.DataPath, "index")))
        {
            Directory.Delete(Path.Combine(settings.DataPath, "index"), recursive: true);
        }

        // From here to "ready" is what a bot's start costs: the services are resolved in the order the host's
        // warm-up resolves them, only to time each step.
        var ready = System.Diagnostics.Stopwatch.StartNew();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Path.GetTempPath() });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Corpus:Path"] = settings.Corpus,
            ["Storage:DataPath"] = settings.DataPath,
        });
        builder.AddBubbleBotCore();
        using var host = builder.Build();
        var services = host.Services;
        // The corpus snapshot is built whole (articles, index, vocabularies, question analysis), as a reload builds it.
        var snapshot = Measure.Ms(() => services.GetRequiredService<CorpusSnapshots>().Current, out var buildMs);
        var catalog = snapshot.Catalog;
        var index = snapshot.Index;
        var startMs = Measure.Ms(() => host.StartAsync().GetAwaiter().GetResult());
        var retriever = services.GetRequiredService<LuceneRetriever>();
        var answers = services.GetRequiredService<ExtractiveAnswerService>();
        var analyzer = services.GetRequiredService<QuestionAnalyzer>();
        var minCoverage = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RetrievalOptions>>().Value.MinCoverage;
        metrics["startup.ready_ms"] = ready.Elapsed.TotalMilliseconds;
        Console.WriteLine(ReadyLine);
        Console.Out.Flush();

        metrics["startup.corpus_build_ms"] = buildMs;
        metrics["startup.host_start_ms"] = startMs;
        metrics["startup.process_to_ready_ms"] = Measure.SinceProcessStartMs();
        metrics["index.reused"] = index.ReusedPersistedIndex ? 1 : 0;
        metrics["corpus.articles"] = catalog.Articles.Count;
        metrics["corpus.chunks"] = index.Chunks.Count;
        metrics["index.disk_mib"] = Measure.MiB(DirectorySize(Path.Combine(settings.DataPath, "index")));
        if (index.ReusedPersistedIndex != reuse)
        {
            throw new InvalidOperationException($"Expected ReusedPersistedIndex={reuse}, got {index.ReusedPersistedIndex}.");
        }

        var questions = File.ReadAllLines(settings.Questions).Where(l => l.Length > 0).ToArray();
        var request = questions.Select(q => new AnswerRequest(q)).ToArray();
        metrics["questions"] = questions.Length;
        metrics["first_answer_ms"] = Measure.Ms(() => answers.AnswerAsync(request[0], CancellationToken.None).GetAwaiter().GetResult());

        if (reuse)
        {
            // Where a reused start spends its time: the corpus is still read and chunked to compute the fingerprint.
            var articles = catalog.Articles;
            var chunks = Measure.Ms(() => articles.SelectMany(Chunker.Split).ToList(), out var chunkMs);
            metrics["startup.chunk_ms"] = chunkMs;
            metrics["startup.fingerprint_ms"] = Measure.Ms(() => CorpusIndex.Fingerprint(articles, chunks));
            foreach (var q in request)
            {
                answers.AnswerAsync(q, CancellationToken.None).GetAwaiter().GetResult();
            }

            metrics["memory.serving_peak_ws_mib"] = Measure.PeakWorkingSetMiB();
            await host.StopAsync();
            return metrics;
        }

        // Warm-up: JIT tiers, Lucene caches, the lazily loaded dictionary.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        for (var pass = 0; pass < 3 || warm.Elapsed < TimeSpan.FromSeconds(2); pass++)
        {
            foreach (var q in request)
            {
                answers.AnswerAsync(q, CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        var answered = request.Count(q => !answers.AnswerAsync(q, CancellationToken.None).GetAwaiter().GetResult().NoAnswer);
        metrics["questions.answered"] = answered;

        Measure.Latency(questions.Length, i => retriever.Retrieve(new RetrievalRequest(questions[i]), 12), settings.Budget, settings.MaxSamples).Into(metrics, "retrieve");
        Measure.Latency(questions.Length, i => answers.AnswerAsync(request[i], CancellationToken.None).GetAwaiter().GetResult(), settings.Budget, settings.MaxSamples).Into(metrics, "answer");
        Breakdown(index, analyzer, questions, metrics);
        Slowest(questions, q => retriever.Retrieve(new RetrievalRequest(q), 12), "retrieve");
        Slowest(questions, q => answers.AnswerAsync(new AnswerRequest(q), CancellationToken.None).GetAwaiter().GetResult(), "answer");
        metrics["throughput.one_core"] = Measure.Throughput(questions.Length, i => answers.AnswerAsync(request[i], CancellationToken.None).GetAwaiter().GetResult(), settings.Budget, 1);
        metrics["throughput.all_cores"] = Measure.Throughput(questions.Length, i => answers.AnswerAsync(request[i], CancellationToken.None).GetAwaiter().GetResult(), settings.Budget, Environment.ProcessorCount);

        metrics["memory.peak_ws_mib"] = Measure.PeakWorkingSetMiB();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        metrics["memory.ws_after_gc_mib"] = Measure.WorkingSetMiB();
        metrics["memory.managed_heap_mib"] = Measure.MiB(GC.GetTotalMemory(forceFullCollection: true));

        if (settings.BruteForce)
        {
            var brute = Measure.Ms(() => new BruteForceRetriever(index, analyzer, minCoverage), out var bruteBuildMs);
            metrics["brute.build_ms"] = bruteBuildMs;
            metrics["brute.terms"] = brute.Terms;
            for (var i = 0; i < Math.Min(questions.Length, 20); i++)
            {
                brute.Retrieve(questions[i], 12);
            }

            // Brute force is slow at scale: a smaller sample cap keeps the run short (still every question at least twice).
            Measure.Latency(questions.Length, i => brute.Retrieve(questions[i], 12), settings.Budget, Math.Max(2 * questions.Length, settings.MaxSamples / 4)).Into(metrics, "brute");
            metrics["brute.peak_ws_mib"] = Measure.PeakWorkingSetMiB();
            metrics["brute.heap_mib"] = Measure.MiB(GC.GetTotalMemory(forceFullCollection: true));
            GC.KeepAlive(brute);
        }

        await host.StopAsync();
        return metrics;
    }

    /// <summary>The intrinsically slowest questions (best of five runs each, so scheduling noise drops out), for the report.</summary>
    private static void Slowest(string[] questions, Action<string> action, string what)
    {
        var costs = questions.Select(q => (Question: q, Ms: Enumerable.Range(0, 5).Min(_ => Measure.Ms(() => action(q)))))
            .OrderByDescending(x => x.Ms).Take(5);
        foreach (var (question, ms) in costs)
        {
            Console.WriteLine($"{SlowLine}\t{what}\t{ms.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}\t{question}");
        }
    }

    /// <summary>Mean time per query of each step of <see cref="LuceneRetriever.Retrieve"/>, replayed with the same internals.</summary>
    private static void Breakdown(CorpusIndex index, QuestionAnalyzer analyzer, string[] questions, Dictionary<string, double> metrics)
    {
        double plan = 0, search = 0, load = 0, terms = 0, coverage = 0;
        var passes = 3;
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var question in questions)
            {
                var p = Measure.Ms(() => analyzer.Analyze(question).Plan, out var ms);
                plan += ms;
                if (p.Units.Count == 0)
                {
                    continue;
                }

                var found = Measure.Ms(() => index.Searcher.Search(p.Query, LuceneRetriever.CandidatePool).ScoreDocs, out ms);
                search += ms;
                foreach (var doc in found)
                {
                    Measure.Ms(() => index.ChunkOf(doc.Doc), out ms);
                    load += ms;
                }

                var sets = Measure.Ms(() => index.TermsPresent(p.Terms, [.. found.Select(f => f.Doc)]), out ms);
                terms += ms;
                coverage += Measure.Ms(() => sets.Sum(s => p.Coverage(s)));
            }
        }

        var n = (double)(passes * questions.Length);
        metrics["breakdown.plan_ms"] = plan / n;
        metrics["breakdown.search_ms"] = search / n;
        metrics["breakdown.load_chunk_ms"] = load / n;
        metrics["breakdown.terms_of_ms"] = terms / n;
        metrics["breakdown.coverage_ms"] = coverage / n;
    }

    private static long DirectorySize(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
