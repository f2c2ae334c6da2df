using BubbleBot.Core.Text;

namespace BubbleBot.Core.Tests.Text;

/// <summary>
/// jieba's dictionary is one per process and every segmenter adds its corpus's words to it, so these tests run alone:
/// another class building a segmenter mid-test would change how a question is cut.
/// </summary>
[Collection(SegmenterCollection.Name)]
public sealed class SegmenterTests
{
    private static ChineseSegmenter Create() => new(
        Path.Combine(AppContext.BaseDirectory, "data", "jieba"),
        Path.Combine(AppContext.BaseDirectory, "data", "userdict.txt"),
        ["马拉比"]);

    [Fact]
    public void Questions_cut_at_the_same_time_get_the_same_words_as_one_at_a_time()
    {
        var segmenter = Create();
        string[] questions = ["马拉比认为openai多久会耗尽资金", "扎克伯格今年在ai上要花多少钱", "为什么有人说ai是泡沫", "英伟达的市值超过了一百多个国家的gdp"];
        var expected = questions.Select(q => string.Join('/', segmenter.Segment(q).Select(w => w.Text))).ToArray();

        var results = new string[400];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            results[i] = string.Join('/', segmenter.Segment(questions[i % questions.Length]).Select(w => w.Text)));

        Assert.All(Enumerable.Range(0, results.Length), i => Assert.Equal(expected[i % questions.Length], results[i]));
    }

    [Fact]
    public async Task A_segmenter_built_for_a_new_corpus_while_another_cuts_leaves_both_working()
    {
        var first = Create();
        var cutting = Task.Run(() => Enumerable.Range(0, 200).Select(_ => first.Segment("马拉比认为openai多久会耗尽资金").Count).Distinct().ToList());
        var second = new ChineseSegmenter(Path.Combine(AppContext.BaseDirectory, "data", "jieba"), null, ["新词汇测试"]);

        Assert.Single(await cutting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(second.Segment("这是新词汇测试"), w => w.Text == "新词汇测试");
    }

    [Theory]
    [InlineData("范畴", false)]
    [InlineData("马拉比", true)]
    public void A_common_word_tagged_as_a_person_is_not_a_name(string word, bool isName)
    {
        var segmenter = Create();

        Assert.Equal(isName, segmenter.IsName(Assert.Single(segmenter.Segment(word))));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SegmenterCollection
{
    public const string Name = "jieba dictionary";
}
