using BubbleBot.Core.Corpus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BubbleBot.Core.Tests.Corpus;

public sealed class CorpusLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bubblebot-corpus-").FullName;
    private readonly FakeLogger<CorpusLoader> _logger = new();

    private const string Valid = """
        ---
        id: sample
        title: 样本文章
        title_en: "Sample: an article"
        author: Someone
        published: 2025-01-02
        language: zh-Hans
        url: https://example.org/sample
        url_matches_text: true
        alternates:
          en: https://example.org/en/sample
        summary_en: A sample.
        speakers:
          索隆: ["Suo Long", "Suolong"]
        ---
        ## 标题
        正文第一句。正文第二句。
        """;

    [Fact]
    public void Loads_every_field_of_a_valid_article()
    {
        Write("sample.md", Valid);

        var article = Assert.Single(new CorpusLoader(_logger).LoadDirectory(_dir));

        Assert.Equal("sample", article.Id);
        Assert.Equal("Sample: an article", article.TitleEn);
        Assert.Equal("2025-01-02", article.Published);
        Assert.Equal("https://example.org/sample", article.Url);
        Assert.True(article.UrlCarriesCorpusText);
        Assert.Equal("https://example.org/en/sample", article.Alternates["en"]);
        Assert.StartsWith("## 标题", article.Body);
        Assert.Equal(["Suo Long", "Suolong"], article.SpeakerSpellings["索隆"]);
    }

    [Theory]
    [InlineData("---\nid: [unclosed\ntitle: x\n---\nbody", "not valid YAML")]
    [InlineData("---\ntitle: no id\n---\nbody", "needs an id and a title")]
    [InlineData("---\nid: no-title\n---\nbody", "needs an id and a title")]
    [InlineData("no front matter at all", "no front matter")]
    [InlineData("---\nid: open\ntitle: never closed\n", "not closed")]
    [InlineData("---\nid: bad-url\ntitle: t\nurl: not a url\n---\nbody", "not an absolute URL")]
    public void Skips_a_broken_file_with_one_log_line_naming_it_and_keeps_the_others(string broken, string problem)
    {
        Write("good.md", Valid);
        Write("broken.md", broken);

        var articles = new CorpusLoader(_logger).LoadDirectory(_dir);

        Assert.Equal("sample", Assert.Single(articles).Id);
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("broken.md", warning.Message);
        Assert.Contains(problem, warning.Message);
    }

    [Fact]
    public void Two_files_with_the_same_id_are_an_error_naming_both()
    {
        Write("a.md", Valid);
        Write("b.md", Valid);

        var error = Assert.Throws<CorpusException>(() => new CorpusLoader(_logger).LoadDirectory(_dir));

        Assert.Contains("a.md", error.Message);
        Assert.Contains("b.md", error.Message);
    }

    [Fact]
    public void Readme_and_underscore_files_are_not_articles()
    {
        Write("README.md", "# About this folder");
        Write("_draft.md", "not yet");
        Write("sample.md", Valid);

        Assert.Single(new CorpusLoader(_logger).LoadDirectory(_dir));
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
    }

    [Fact]
    public void The_shipped_corpus_loads_all_five_articles_without_warnings()
    {
        var articles = new CorpusLoader(_logger).LoadDirectory(RepositoryPaths.Corpus);

        Assert.Equal(
            ["bubble-or-revolution", "flywheel-paradox", "gpt5-letdown-livestream", "openai-cash-runway", "what-is-the-ai-bubble"],
            articles.Select(a => a.Id).Order());
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.All(articles, a => Assert.False(string.IsNullOrWhiteSpace(a.SummaryEn)));
    }

    [Fact]
    public void A_missing_folder_is_a_clear_error()
    {
        var error = Assert.Throws<CorpusException>(() => new CorpusLoader(_logger).LoadDirectory(Path.Combine(_dir, "nope")));
        Assert.Contains("Corpus:Path", error.Message);
    }

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_dir, name), content);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_claim_whose_quote_is_not_in_the_body_is_skipped_and_reported()
    {
        const string content = "---\nid: a\ntitle: T\nclaims:\n  - stance: bubble\n    quote: \"泡沫終會破裂\"\n  - stance: not-bubble\n    quote: \"不在正文里的话\"\n  - stance: sideways\n    quote: \"泡沫终会破裂\"\n---\n我認為泡沫终会破裂。\n";

        Assert.True(CorpusLoader.TryParse("a.md", content, out var article, out _));

        // Matched after folding scripts, and kept as the body's own characters.
        var claim = Assert.Single(article.Claims);
        Assert.Equal(Stance.Bubble, claim.Stance);
        Assert.Equal("泡沫终会破裂", claim.Quote);
        Assert.Equal(2, article.SkippedClaims.Count);
    }
}
