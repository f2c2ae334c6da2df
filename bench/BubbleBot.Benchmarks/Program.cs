using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BubbleBot.Benchmarks;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using Microsoft.Extensions.Logging.Abstractions;

// BubbleBot benchmark: dotnet run -c Release --project bench/BubbleBot.Benchmarks -- [options], see docs/benchmarks.md.
var options = Options.Parse(args);
if (options.Child is { } child)
{
    var settings = new ChildSettings(options.Corpus!, options.Data!, options.QuestionsFile!, TimeSpan.FromSeconds(options.Seconds), options.MaxSamples, options.BruteForce);
    var result = await ChildRuns.ServeAsync(settings, reuse: child == "reuse");
    await File.WriteAllTextAsync(options.Result!, JsonSerializer.Serialize(result));
    return 0;
}

return await Orchestrator.RunAsync(options, args);

internal sealed class Options
{
    public string[] Scales { get; private set; } = ["shipped", "10000", "100000"];

    public string? Out { get; private set; }

    public int Seed { get; private set; } = 42;

    public double Seconds { get; private set; } = 5;

    public int MaxSamples { get; private set; } = 3000;

    public string? DevSet { get; private set; }

    public string? Corpus { get; private set; }

    public string Temp { get; private set; } = Path.Combine(Path.GetTempPath(), "bubblebot-bench");

    public int StartupRuns { get; private set; } = 3;

    public bool Keep { get; private set; }

    public bool BruteForce { get; private set; } = true;

    public int GeneratedQuestions { get; private set; } = 12;

    // Child-only.
    public string? Child { get; private set; }

    public string? Data { get; private set; }

    public string? QuestionsFile { get; private set; }

    public string? Result { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scales": o.Scales = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--out": o.Out = Next(); break;
                case "--seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": o.Seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--max-samples": o.MaxSamples = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dev-set": o.DevSet = Next(); break;
                case "--corpus": o.Corpus = Next(); break;
                case "--temp": o.Temp = Next(); break;
                case "--startup-runs": o.StartupRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--generated-questions": o.GeneratedQuestions = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--keep": o.Keep = true; break;
                case "--no-brute-force": o.BruteForce = false; break;
                case "--child": o.Child = Next(); break;
                case "--data": o.Data = Next(); break;
                case "--questions": o.QuestionsFile = Next(); break;
                case "--result": o.Result = Next(); break;
                case "--brute-force": o.BruteForce = bool.Parse(Next()); break;
                case "-h" or "--help":
                    Console.WriteLine("""
                        BubbleBot benchmarks (see docs/benchmarks.md)
                          --scales shipped,10000,100000   corpora to measure: the shipped corpus and/or synthetic chunk counts
                          --out FILE                      also write the results into FILE (between the bench markers if present)
                          --seed N                        seed of the synthetic corpus and questions (42)
                          --seconds S                     time budget of each latency / throughput measurement (5)
                          --max-samples N                 cap of latency samples per measurement (3000)
                          --dev-set FILE                  add the questions of a JSONL dev set ({"q": ...})
                          --corpus DIR                    the shipped corpus (found from the working directory by default)
                          --temp DIR                      where generated corpora and indexes go (system temp)
                          --startup-runs N                fresh processes timed for the persisted-index start-up (3)
                          --keep                          keep the generated corpora and indexes
                          --no-brute-force                skip the brute-force baseline
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} (try --help)");
            }
        }

        return o;
    }
}

/// <summary>Generates the corpora, runs each measurement in a fresh child process and writes the report.</summary>
internal static class Orchestrator
{
    public static async Task<int> RunAsync(Options options, string[] args)
    {
        var corpus = options.Corpus ?? FindShippedCorpus();
        Directory.CreateDirectory(options.Temp);
        var dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
        var shipped = new CorpusLoader(NullLogger<CorpusLoader>.Instance).LoadDirectory(corpus);
        var source = new SourceMaterial(shipped, dataDirectory);
        var questions = QuestionSet.Build(Path.Combine(AppContext.BaseDirectory, "questions.txt"), options.DevSet, source, options.Seed, options.GeneratedQuestions);
        var questionsFile = Path.Combine(options.Temp, "questions.txt");
        await File.WriteAllLinesAsync(questionsFile, questions.Select(q => q.Text.ReplaceLineEndings(" ")));
        Console.Error.WriteLine($"{questions.Count} questions ({string.Join(", ", questions.GroupBy(q => q.Language).Select(g => $"{g.Key} {g.Count()}"))})");

        var report = new Report(options, args, questions) { LoadBefore = Report.LoadAverage() };
        foreach (var scale in options.Scales)
        {
            var (corpusDir, manifest) = Prepare(scale, corpus, shipped, source, options);
            Console.Error.WriteLine($"[{scale}] {manifest.Articles} articles, {manifest.Chunks} chunks; measuring (index rebuilt from nothing)…");
            var data = Path.Combine(options.Temp, $"data-{scale}");
            var (metrics, wall, slow) = await RunChildAsync("serve", corpusDir, data, questionsFile, options);
            metrics["startup.wall_to_ready_ms"] = wall;
            report.Scales.Add(new ScaleResult(scale, manifest, metrics, slow));
            Console.Error.WriteLine($"[{scale}] build {metrics["startup.corpus_build_ms"]:0} ms, retrieve p50/p99 {metrics["retrieve.p50"]:0.00}/{metrics["retrieve.p99"]:0.00} ms, answer p50/p99 {metrics["answer.p50"]:0.00}/{metrics["answer.p99"]:0.00} ms, peak WS {metrics["memory.peak_ws_mib"]:0} MiB");

            if (scale == options.Scales[^1])
            {
                for (var run = 0; run < options.StartupRuns; run++)
                {
                    var (reuse, reuseWall, _) = await RunChildAsync("reuse", corpusDir, data, questionsFile, options);
                    reuse["startup.wall_to_ready_ms"] = reuseWall;
                    report.Reuse.Add(reuse);
                    Console.Error.WriteLine($"[{scale}] reuse start-up: {reuseWall:0} ms to ready (corpus build {reuse["startup.corpus_build_ms"]:0} ms)");
                }

                report.StartupScale = scale;
            }

            if (!options.Keep && scale != "shipped")
            {
                Directory.Delete(corpusDir, recursive: true);
            }

            if (!options.Keep && Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }

        report.LoadAfter = Report.LoadAverage();
        var markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        if (options.Out is { } output)
        {
            Report.WriteInto(output, markdown);
            Console.Error.WriteLine($"Wrote {output}");
        }

        return 0;
    }

    private static (string Directory, CorpusManifest Manifest) Prepare(string scale, string shippedDir, IReadOnlyList<Article> shipped, SourceMaterial source, Options options)
    {
        if (scale == "shipped")
        {
            var chunks = shipped.Sum(a => Chunker.Split(a).Count);
            var bytes = Directory.EnumerateFiles(shippedDir, "*.md").Sum(f => new FileInfo(f).Length);
            return (shippedDir, new CorpusManifest(
                shipped.Count, chunks, shipped.Sum(a => (long)a.Body.Length), bytes,
                shipped.Count(a => a.Language == "zh-Hans"), shipped.Count(a => a.Language is "zh-Hant" or "zh-HK"), shipped.Count(a => a.Language == "en")));
        }

        var target = int.Parse(scale, CultureInfo.InvariantCulture);
        var directory = Path.Combine(options.Temp, $"corpus-{target}-seed{options.Seed}");
        var clock = Stopwatch.StartNew();
        var manifest = new SyntheticCorpus(source, options.Seed).Write(directory, target);
        Console.Error.WriteLine($"[{scale}] generated {manifest.Articles} articles / {manifest.Chunks} chunks in {clock.Elapsed.TotalSeconds:0.0} s → {directory}");
        return (directory, manifest);
    }

    private static async Task<(Dictionary<string, double> Metrics, double WallToReadyMs, List<string> Slow)> RunChildAsync(string mode, string corpus, string data, string questions, Options options)
    {
        var result = Path.Combine(options.Temp, $"result-{Guid.NewGuid():N}.json");
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(Options).Assembly.Location);
        }

        foreach (var arg in new[]
        {
            "--child", mode, "--corpus", corpus, "--data", data, "--questions", questions, "--result", result,
            "--seconds", options.Seconds.ToString(CultureInfo.InvariantCulture), "--max-samples", options.MaxSamples.ToString(CultureInfo.InvariantCulture),
            "--brute-force", options.BruteForce.ToString(),
        })
        {
            info.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        var readyAt = double.NaN;
        using var process = new Process { StartInfo = info };
        var errors = new System.Text.StringBuilder();
        var slow = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == ChildRuns.ReadyLine)
            {
                readyAt = clock.Elapsed.TotalMilliseconds;
            }
            else if (e.Data?.StartsWith(ChildRuns.SlowLine + "\t", StringComparison.Ordinal) == true)
            {
                lock (slow)
                {
                    slow.Add(e.Data[(ChildRuns.SlowLine.Length + 1)..]);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(result))
        {
            throw new InvalidOperationException($"Child '{mode}' failed with exit code {process.ExitCode}:\n{errors}");
        }

        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(await File.ReadAllTextAsync(result))!;
        File.Delete(result);
        return (metrics, readyAt, slow);
    }

    private static string FindShippedCorpus()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "corpus");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.md").Any(f => !f.EndsWith("README.md", StringComparison.OrdinalIgnoreCase)))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("Could not find the shipped corpus folder; pass --corpus DIR.");
    }
}
