using BubbleBot.Core.Text;
using System.Text.RegularExpressions;
using BubbleBot.Core.Answering;

namespace BubbleBot.Core.Tests.Answering;

[Collection(CoreCollection.Name)]
public sealed partial class ExtractiveAnswerTests(CoreFixture core)
{
    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Marker();

    [Theory]
    [InlineData("为什么说AI是泡沫？")]
    [InlineData("OpenAI 會唔會燒晒啲錢？")]
    [InlineData("Why do the livestream hosts think GPT-5 is disappointing?")]
    public async Task Quotes_are_verbatim_numbered_and_cite_at_most_three_sources(string question)
    {
        var answer = await core.AskAsync(question);

        Assert.False(answer.NoAnswer);
        Assert.InRange(answer.Sources.Count, 1, ExtractiveAnswerService.MaxSources);
        Assert.Equal(answer.Sources.Count, answer.Sources.Select(s => s.Citation.DocId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, answer.Citations.Count), answer.Citations.Select(c => c.N));
        Assert.Equal(answer.Citations.Count, answer.Citations.Select(c => c.Quote).Distinct().Count());
        foreach (var citation in answer.Citations)
        {
            var article = core.Catalog.Find(citation.DocId)!;
            // Verbatim, with only Markdown emphasis left out of what is shown.
            Assert.Contains(citation.Quote, article.Body.Replace("**", string.Empty, StringComparison.Ordinal));
            Assert.DoesNotContain("**", citation.Quote);
            Assert.Equal(article.Url, citation.Url);
            Assert.Contains($"[{citation.N}]", answer.Text);
        }

        Assert.All(Marker().Matches(answer.Text), m => Assert.InRange(int.Parse(m.Groups[1].Value), 1, answer.Citations.Count));
    }

    [Fact]
    public async Task Links_jump_to_the_quote_only_where_the_page_carries_the_corpus_text()
    {
        var answer = await core.AskAsync("OpenAI 会在什么时候耗尽资金？麻省理工的研究说了什么？");

        var original = answer.Citations.First(c => c.DocId == "openai-cash-runway");
        Assert.StartsWith(original.Url + "#:~:text=", original.Link);

        var translated = await core.AskAsync("哈萨比斯怎么看私募市场的泡沫？");
        var mit = Assert.Single(translated.Citations, c => c.DocId == "what-is-the-ai-bubble");
        Assert.Equal(mit.Url, mit.Link);
    }

    [Fact]
    public async Task Articles_without_a_public_url_are_cited_without_a_link()
    {
        var answer = await core.AskAsync("GPT-5 的幻觉问题有多严重？");

        var transcript = answer.Citations.Where(c => c.DocId == "gpt5-letdown-livestream").ToList();
        Assert.NotEmpty(transcript);
        Assert.All(transcript, c => Assert.Null(c.Url));
        Assert.All(transcript, c => Assert.Null(c.Link));
    }

    [Fact]
    public async Task A_question_outside_the_corpus_is_refused_plainly_listing_what_is_covered()
    {
        var answer = await core.AskAsync("What is the best way to train for a marathon?");

        Assert.True(answer.NoAnswer);
        Assert.Empty(answer.Citations);
        Assert.StartsWith(AnswerLabels.English.NoAnswer, answer.Text);
        Assert.All(core.Catalog.Articles, a => Assert.Contains(a.TitleEn ?? a.Title, answer.Text));
    }

    [Theory]
    [InlineData("Why do people call AI a bubble?", AnswerLanguage.English, "Here is what the articles say:")]
    [InlineData("为什么有人说AI是泡沫？", AnswerLanguage.SimplifiedChinese, "文章里是这样说的：")]
    [InlineData("為什麼有人說AI是泡沫？", AnswerLanguage.TraditionalChinese, "文章裡是這樣說的：")]
    public async Task Framing_follows_the_askers_language_while_quotes_stay_original(string question, AnswerLanguage language, string intro)
    {
        var answer = await core.AskAsync(question);

        Assert.Equal(language, answer.Language);
        Assert.StartsWith(intro, answer.Text);
    }

    [Fact]
    public async Task Quotes_leave_out_list_markers_and_never_straddle_paragraphs()
    {
        // The flywheel article lists its points as Markdown items ("- 真實用戶嘅提問…").
        var answer = await core.AskAsync("真實用戶嘅提問達唔到咩水平？");

        var quote = Assert.Single(answer.Citations, c => c.Quote.Contains("真實用戶嘅提問", StringComparison.Ordinal)).Quote;
        Assert.StartsWith("真實用戶嘅提問", quote);
        Assert.All(answer.Citations, c => Assert.DoesNotContain('\n', c.Quote));
    }

    [Fact]
    public void Text_fragments_encode_the_characters_that_are_syntax_in_a_directive()
    {
        var link = TextFragmentLink.Create("https://example.org/a#old", "AI - bubble, or not");
        Assert.Equal("https://example.org/a#:~:text=AI%20%2D%20bubble%2C%20or%20not", link);

        var longQuote = new string('甲', 30) + "，" + new string('乙', 30);
        var ranged = TextFragmentLink.Create("https://example.org/a", longQuote);
        Assert.Matches(@"#:~:text=[^,]+,[^,]+$", ranged);
    }

    [Fact]
    public void Text_fragments_of_english_quotes_start_and_end_on_whole_words()
    {
        var link = TextFragmentLink.Create("https://example.org/a", "Investors are getting overexcited about AI, and someone will lose a phenomenal amount of money.");

        Assert.EndsWith("#:~:text=Investors%20are,amount%20of%20money.", link);
    }
}
