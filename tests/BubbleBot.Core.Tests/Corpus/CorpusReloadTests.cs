using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BubbleBot.Core.Tests.Corpus;

/// <summary>
/// The real core over a copy of two real articles in a temporary folder, with the real file watcher: files are added,
/// changed, removed and broken while the host runs, and each test waits (bounded) for the swap it causes.
/// </summary>
public sealed class CorpusReloadTests : IAsyncLifetime
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    private const string TulipArticle = """
        ---
        id: tulip-mania
        title: 郁金香狂热
        author: 测试作者
        ---
        1637年荷兰的郁金香狂热中，一个稀有郁金香球茎的价格相当于阿姆斯特丹运河边的一栋豪宅。后来球茎价格在几天之内崩溃，很多商人破产。
        """;

    private readonly string _corpus = Directory.CreateTempSubdirectory("bubblebot-reload-").FullName;
    private readonly FakeLogCollector _logs = new();
    private IHost _host = null!;

    private CorpusSnapshots Snapshots => _host.Services.GetRequiredService<CorpusSnapshots>();

    private IAnswerService Answers => _host.Services.GetRequiredService<IAnswerService>();

    public async Task InitializeAsync()
    {
        foreach (var id in new[] { "openai-cash-runway", "flywheel-paradox" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Corpus, id + ".md"), Path.Combine(_corpus, id + ".md"));
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Corpus:Path"] = _corpus,
            ["Corpus:ReloadDelayMilliseconds"] = "100",
            ["Corpus:PollSeconds"] = "1",
        });
        builder.Logging.AddProvider(new FakeLoggerProvider(_logs));
        builder.AddBubbleBotCore();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Directory.Delete(_corpus, recursive: true);
    }

    [Fact]
    public async Task An_article_dropped_into_the_folder_is_answered_after_the_swap()
    {
        Assert.DoesNotContain(await AskAsync("郁金香球茎的价格相当于什么？"), c => c == "tulip-mania");

        var swapped = await AfterSwapAsync(() => File.WriteAllText(Path.Combine(_corpus, "tulip-mania.md"), TulipArticle), s => s.Catalog.Find("tulip-mania") is not null);

        Assert.Equal(3, swapped.Catalog.Articles.Count);
        Assert.Contains("tulip-mania", await AskAsync("郁金香球茎的价格相当于什么？"));
        Assert.Contains(_logs.GetSnapshot(), r => r.Message.StartsWith("reloaded: 3 articles, ", StringComparison.Ordinal) && r.Message.Contains("+tulip-mania"));
    }

    [Fact]
    public async Task A_changed_article_is_answered_from_its_new_text()
    {
        var path = Path.Combine(_corpus, "tulip-mania.md");
        await AfterSwapAsync(() => File.WriteAllText(path, TulipArticle), s => s.Catalog.Find("tulip-mania") is not null);

        var swapped = await AfterSwapAsync(() => File.WriteAllText(path, TulipArticle.Replace("阿姆斯特丹运河边的一栋豪宅", "鹿特丹港口的一艘商船", StringComparison.Ordinal)),
            s => s.Catalog.Find("tulip-mania")?.Body.Contains("鹿特丹", StringComparison.Ordinal) == true);

        Assert.Contains("鹿特丹", swapped.Catalog.Find("tulip-mania")!.Body);
        var answer = await Answers.AnswerAsync(new AnswerRequest("郁金香球茎的价格相当于什么？"), CancellationToken.None);
        Assert.Contains(answer.Citations, c => c.DocId == "tulip-mania" && c.Quote.Contains("鹿特丹", StringComparison.Ordinal));
        Assert.Contains(_logs.GetSnapshot(), r => r.Message.Contains("~tulip-mania", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_removed_article_is_no_longer_cited()
    {
        Assert.Contains("flywheel-paradox", Snapshots.Current.Catalog.Articles.Select(a => a.Id));

        var swapped = await AfterSwapAsync(() => File.Delete(Path.Combine(_corpus, "flywheel-paradox.md")), s => s.Catalog.Find("flywheel-paradox") is null);

        Assert.Equal(["openai-cash-runway"], swapped.Catalog.Articles.Select(a => a.Id));
        Assert.Null(_host.Services.GetRequiredService<IArticleCatalog>().Find("flywheel-paradox"));
        Assert.Contains(_logs.GetSnapshot(), r => r.Message.Contains("-flywheel-paradox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broken_file_is_skipped_with_one_line_while_the_others_load()
    {
        var swapped = await AfterSwapAsync(() =>
        {
            File.WriteAllText(Path.Combine(_corpus, "broken.md"), "no front matter here");
            File.WriteAllText(Path.Combine(_corpus, "tulip-mania.md"), TulipArticle);
        }, s => s.Catalog.Articles.Count == 3);

        Assert.Equal(3, swapped.Catalog.Articles.Count);
        var skipped = _logs.GetSnapshot().Where(r => r.Message.StartsWith("Skipped corpus file", StringComparison.Ordinal) && r.Message.Contains("broken.md", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(skipped);
        Assert.All(skipped, r => Assert.Equal(LogLevel.Warning, r.Level));
        Assert.All(skipped, r => Assert.DoesNotContain('\n', r.Message));
    }

    [Fact]
    public async Task A_reload_that_would_empty_the_corpus_keeps_answering_from_the_previous_one()
    {
        var reloader = _host.Services.GetRequiredService<CorpusReloader>();
        foreach (var file in Directory.GetFiles(_corpus))
        {
            File.Move(file, file + ".off");
        }

        var outcome = await reloader.ReloadAsync("test", CancellationToken.None).WaitAsync(Bounded);

        Assert.False(outcome.Succeeded);
        Assert.Contains("holds no valid article", outcome.Problem);
        Assert.Equal(2, Snapshots.Current.Catalog.Articles.Count);
        Assert.NotEmpty(await AskAsync("OpenAI预计2025年的资金消耗是多少？"));
    }

    [Fact]
    public async Task Questions_are_answered_throughout_a_reload()
    {
        using var stop = new CancellationTokenSource();
        var firstAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answerAfterReload = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloaded = false;
        var asking = Task.Run(async () =>
        {
            // Every answer before, during and after the reload must come from a complete snapshot, old or new.
            while (!stop.IsCancellationRequested)
            {
                var afterReload = Volatile.Read(ref reloaded);
                var answer = await Answers.AnswerAsync(new AnswerRequest("OpenAI预计2025年的资金消耗是多少？"), CancellationToken.None);
                Assert.False(answer.NoAnswer);
                Assert.Contains(answer.Citations, c => c.DocId == "openai-cash-runway");
                firstAnswer.TrySetResult();
                if (afterReload)
                {
                    answerAfterReload.TrySetResult();
                }
            }
        });

        await firstAnswer.Task.WaitAsync(Bounded);
        File.WriteAllText(Path.Combine(_corpus, "tulip-mania.md"), TulipArticle);
        var outcome = await _host.Services.GetRequiredService<CorpusReloader>().ReloadAsync("test", CancellationToken.None).WaitAsync(Bounded);
        Volatile.Write(ref reloaded, true);
        await answerAfterReload.Task.WaitAsync(Bounded);
        await stop.CancelAsync();
        await asking.WaitAsync(Bounded);

        Assert.True(outcome.Succeeded);
        Assert.NotNull(Snapshots.Current.Catalog.Find("tulip-mania"));
    }

    [Fact]
    public void Describe_names_added_removed_and_changed_articles()
    {
        var a = Snapshots.Current.Catalog.Articles;
        var changed = a.Select(x => x.Id == "flywheel-paradox" ? x with { Body = x.Body + "。" } : x).ToList();

        Assert.Equal("no article changed", CorpusReloader.Describe(a, a));
        Assert.Equal("~flywheel-paradox", CorpusReloader.Describe(a, changed));
        Assert.Equal("-flywheel-paradox", CorpusReloader.Describe(a, [a[0].Id == "flywheel-paradox" ? a[1] : a[0]]));
    }

    private async Task<IReadOnlyList<string>> AskAsync(string question)
    {
        var answer = await Answers.AnswerAsync(new AnswerRequest(question), CancellationToken.None);
        return [.. answer.Citations.Select(c => c.DocId).Distinct()];
    }

    /// <summary>Runs <paramref name="change"/> and waits, bounded, for the watcher's swap that follows it.</summary>
    private async Task<CorpusSnapshot> AfterSwapAsync(Action change, Func<CorpusSnapshot, bool> until)
    {
        var before = Snapshots.Current.Version;
        var swapped = new TaskCompletionSource<CorpusSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSwap(CorpusSnapshot s)
        {
            // A burst of file events may give more than one reload; the test waits for the one that reflects the change.
            if (until(s))
            {
                swapped.TrySetResult(s);
            }
        }

        Snapshots.Swapped += OnSwap;
        try
        {
            change();
            var snapshot = await swapped.Task.WaitAsync(Bounded).ContinueWith(
                t => t.IsCompletedSuccessfully ? t.Result : throw new TimeoutException("no matching swap; log: " + string.Join(" | ", _logs.GetSnapshot().Select(r => r.Message))),
                TaskScheduler.Default);
            Assert.True(snapshot.Version > before);
            return snapshot;
        }
        finally
        {
            Snapshots.Swapped -= OnSwap;
        }
    }
}
