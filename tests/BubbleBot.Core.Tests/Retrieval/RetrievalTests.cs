using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;

namespace BubbleBot.Core.Tests.Retrieval;

[Collection(CoreCollection.Name)]
public sealed class RetrievalTests(CoreFixture core)
{
    [Theory]
    [InlineData("哈萨比斯认为私募市场有泡沫吗", "what-is-the-ai-bubble")] // Simplified question, Traditional article
    [InlineData("螞蟻集團上市時募集了多少資金", "openai-cash-runway")] // Traditional question, Simplified article
    [InlineData("飞轮效应和算力有什么关系", "flywheel-paradox")] // Simplified question, Cantonese article
    public async Task Simplified_and_traditional_questions_find_articles_in_the_other_script(string question, string expected)
    {
        Assert.Contains(expected, await core.TopArticlesAsync(question));
    }

    [Theory]
    [InlineData("How much money did Ant Group raise in its IPO?", "openai-cash-runway")]
    [InlineData("Is there a bubble in private markets according to Demis Hassabis?", "what-is-the-ai-bubble")]
    [InlineData("Why is GPT-5 disappointing and why does it hallucinate?", "gpt5-letdown-livestream")]
    [InlineData("Does OpenAI need more compute or a better user experience?", "flywheel-paradox")]
    public async Task English_questions_find_chinese_articles(string question, string expected)
    {
        Assert.Contains(expected, await core.TopArticlesAsync(question));
    }

    [Theory]
    [InlineData("How do I bake sourdough bread at home?")]
    [InlineData("我家的猫为什么不吃猫粮？")]
    [InlineData("台北明天會下雨嗎？")]
    [InlineData("???")]
    public async Task Questions_the_corpus_does_not_cover_fall_below_the_relevance_floor(string question)
    {
        var result = await core.Retriever.RetrieveAsync(new RetrievalRequest(question), 5, CancellationToken.None);
        Assert.False(result.Answerable);
        Assert.Empty(result.Hits);
    }

    [Fact]
    public async Task Concurrent_questions_get_the_same_passages_as_one_at_a_time()
    {
        string[] questions = ["为什么说AI是泡沫？", "哈薩比斯怎麼看私募市場的泡沫？", "Will OpenAI run out of money?", "Vibe coding 係乜嘢？"];
        var expected = new Dictionary<string, string[]>();
        foreach (var question in questions)
        {
            expected[question] = [.. (await core.Retriever.RetrieveAsync(new RetrievalRequest(question), 10, CancellationToken.None)).Hits.Select(h => h.Chunk.Id)];
        }

        // Every adapter searches the one shared index at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            var question = questions[i % questions.Length];
            var hits = (await core.Retriever.RetrieveAsync(new RetrievalRequest(question), 10, CancellationToken.None)).Hits;
            return (question, Ids: hits.Select(h => h.Chunk.Id).ToArray());
        })));

        Assert.All(results, r => Assert.Equal(expected[r.question], r.Ids));
    }

    [Fact]
    public void Every_chunk_is_a_verbatim_slice_of_its_article_with_heading_and_speaker()
    {
        var articles = core.Catalog.Articles.ToDictionary(a => a.Id);
        Assert.All(core.Index.Chunks, chunk => Assert.Equal(articles[chunk.DocId].Body[chunk.Start..chunk.End], chunk.Text));

        var transcript = core.Index.Chunks.Where(c => c.DocId == "gpt5-letdown-livestream").ToList();
        Assert.Contains(transcript, c => c.Speaker == "陆飞");
        Assert.Contains(transcript, c => c.Speaker == "老隐");
        Assert.All(transcript, c => Assert.NotNull(c.Heading));
    }

    [Fact]
    public void Chunks_never_cross_a_heading_or_a_change_of_speaker()
    {
        var article = new Article("t", "t", null, "a", null, "zh-Hans", null, null, new Dictionary<string, string>(), null, false,
            "## 第一节\n甲: 第一句。\n乙: 第二句。\n甲: 第三句。\n乙: 第四句。\n## 第二节\n普通段落。", "t.md");

        var chunks = Chunker.Split(article);

        Assert.Equal(["甲: 第一句。", "乙: 第二句。", "甲: 第三句。", "乙: 第四句。", "普通段落。"], chunks.Select(c => c.Text));
        Assert.Equal(["甲", "乙", "甲", "乙", null], chunks.Select(c => c.Speaker));
        Assert.Equal(["第一节", "第一节", "第一节", "第一节", "第二节"], chunks.Select(c => c.Heading));
    }

    [Fact]
    public void A_latin_word_of_the_english_summary_is_as_rare_as_the_text_makes_it()
    {
        var article = new Article("t", "t", null, "a", null, "zh-Hans", null, null, new Dictionary<string, string>(), "They discuss the Gartner hype cycle.", false,
            "## 一\n第一段讲加特纳（Gartner）曲线。\n\n## 二\n第二段讲别的。\n\n## 三\n第三段也讲别的。", "t.md");
        using var index = CorpusIndex.Build([article], dataPath: null);

        Assert.Equal(3, index.Chunks.Count);
        Assert.Equal(1, index.DocumentFrequency("gartner"));
        // A word only the summary has is in every passage of the article, as before.
        Assert.Equal(3, index.DocumentFrequency("hype"));
    }

    [Fact]
    public void A_persisted_index_is_reused_while_the_corpus_is_unchanged_and_rebuilt_when_it_changes()
    {
        var dataPath = Directory.CreateTempSubdirectory("bubblebot-index-").FullName;
        try
        {
            var articles = core.Catalog.Articles;
            using (var first = CorpusIndex.Build(articles, dataPath))
            {
                Assert.False(first.ReusedPersistedIndex);
            }

            using (var second = CorpusIndex.Build(articles, dataPath))
            {
                Assert.True(second.ReusedPersistedIndex);
                Assert.Equal(core.Index.Chunks.Count, second.Chunks.Count);
            }

            var changed = articles.Select((a, i) => i == 0 ? a with { Body = a.Body + "\n新增的一段。" } : a).ToList();
            using var third = CorpusIndex.Build(changed, dataPath);
            Assert.False(third.ReusedPersistedIndex);
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }
}
