using BubbleBot.Core.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Llm.Answering;
using BubbleBot.Llm.Embeddings;

namespace BubbleBot.Llm.Tests;

public sealed class AnswerValidatorTests
{
    private const string Body = "First sentence about chips. Second sentence about money and debt. Third one.";

    private static readonly Article Article = new(
        "doc", "标题", "Title", "Author", "2026-01-01", "en", null, "https://example.org/article/",
        new Dictionary<string, string> { ["zh-CN"] = "https://example.org/zh/article/" }, null, true, Body, "doc.md");

    private static readonly Chunk Passage = new("doc#0", "doc", 0, Body, 0, Body.Length, null, null);

    private readonly AnswerValidator _validator = new(new ArticleCatalog([Article]));

    [Fact]
    public void Fullwidth_and_grouped_markers_are_normalised()
    {
        var result = _validator.Validate("A claim【1】. Another［1, 7］.", [Passage], AnswerLanguage.English);

        Assert.Equal("A claim[1]. Another[1].", result.Text);
        Assert.Equal(1, result.RemovedMarkers);
        Assert.Single(result.Citations);
    }

    [Fact]
    public void Corpus_links_and_their_alternates_survive_and_foreign_ones_do_not()
    {
        var result = _validator.Validate(
            "Read [the piece](https://example.org/zh/article) or https://EXAMPLE.org/article#:~:text=x [1], not www.evil.example/x or <https://evil.example>.",
            [Passage], AnswerLanguage.English);

        Assert.Contains("the piece (https://example.org/zh/article)", result.Text);
        Assert.Contains("https://EXAMPLE.org/article#:~:text=x", result.Text);
        Assert.DoesNotContain("evil", result.Text);
        Assert.Equal(2, result.RemovedLinks);
    }

    [Theory]
    [InlineData("Join t.me/joinchat/x now [1].", "Join now [1].")]
    [InlineData("Log in at evil.example/login, quickly [1].", "Log in at, quickly [1].")]
    [InlineData("See bit.ly/abc. [1]", "See. [1]")]
    [InlineData("Write to boss@evil.com [1].", "Write to [1].")]
    [InlineData("Visit evil.com or EVIL.COM:8080/x?a=1#f [1].", "Visit or [1].")]
    [InlineData("详情请访问t.me/x。[1]", "详情请访问。[1]")]
    [InlineData("Autolinked <evil.com> and tg://resolve?domain=x and mailto:a@b.co [1].", "Autolinked and and [1].")]
    [InlineData("Not the corpus page: example.org/other or 163.example/article [1].", "Not the corpus page: or [1].")]
    public void Scheme_less_links_and_email_addresses_are_stripped(string reply, string expected)
    {
        var result = _validator.Validate(reply, [Passage], AnswerLanguage.English);

        Assert.Equal(expected, result.Text);
        Assert.True(result.RemovedLinks > 0);
    }

    [Fact]
    public void A_domain_quoted_from_a_passage_and_the_corpus_hosts_and_urls_survive()
    {
        const string Text = "In the dot-com years Buy.com lost to Amazon, and pets.com folded.";
        var article = Article with { Body = Text };
        var passage = new Chunk("doc#0", "doc", 0, Text, 0, Text.Length, null, null);
        var validator = new AnswerValidator(new ArticleCatalog([article]));

        var result = validator.Validate(
            "Buy.com lost to Amazon [1]; so did Pets.com. Read it on www.example.org, example.org/zh/article " +
            "or example.org/article/ [1], not at Shop.com, BUY.COM.evil.io or buy.com/login.",
            [passage], AnswerLanguage.English);

        Assert.Equal(
            "Buy.com lost to Amazon [1]; so did Pets.com. Read it on www.example.org, example.org/zh/article " +
            "or example.org/article/ [1], not at, or.",
            result.Text);
        Assert.Equal(3, result.RemovedLinks);
    }

    [Fact]
    public void Ordinary_text_with_dots_is_not_taken_for_a_domain()
    {
        const string Reply = "Revenue grew 3.5 times, i.e. fast, in the U.S. in 2025. It was GPT-4.5, see section 2.b [1].";

        var result = _validator.Validate(Reply, [Passage], AnswerLanguage.English);

        Assert.Equal(Reply, result.Text);
        Assert.Equal(0, result.RemovedLinks);
    }

    [Fact]
    public void The_quote_is_the_verbatim_sentence_the_claim_rests_on_with_a_text_fragment_link()
    {
        var result = _validator.Validate("It is about money and debt [1].", [Passage], AnswerLanguage.English);

        var citation = Assert.Single(result.Citations);
        Assert.Contains(citation.Quote, Body);
        Assert.Contains("money and debt", citation.Quote);
        Assert.StartsWith("https://example.org/article/#:~:text=", citation.Link);
        Assert.Equal("Title", citation.Title);
    }

    [Fact]
    public void The_not_covered_sentinel_is_recognised()
    {
        Assert.True(_validator.Validate(" NO_ANSWER ", [Passage], AnswerLanguage.English).NotCovered);
    }

    [Fact]
    public void Reciprocal_rank_fusion_rewards_passages_both_retrievers_rank()
    {
        Chunk C(string id) => new(id, "doc", 0, id, 0, 0, null, null);
        var lexical = new[] { new RetrievalHit(C("a"), 9), new RetrievalHit(C("b"), 5) };
        var semantic = new[] { new RetrievalHit(C("c"), 0.9), new RetrievalHit(C("b"), 0.8) };

        var fused = FusedRetriever.Fuse(3, lexical, semantic);

        Assert.Equal(["b", "a", "c"], fused.Select(h => h.Chunk.Id));
        Assert.Empty(FusedRetriever.Fuse(3, [], []));
    }
}
