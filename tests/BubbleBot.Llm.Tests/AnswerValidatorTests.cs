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
