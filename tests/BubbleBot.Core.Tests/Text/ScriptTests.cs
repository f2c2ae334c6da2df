using BubbleBot.Core.Answering;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Tests.Text;

public sealed class ScriptTests
{
    [Theory]
    [InlineData("預期與現實", "预期与现实")]
    [InlineData("數據中心的營收", "数据中心的营收")]
    [InlineData("螞蟻集團", "蚂蚁集团")]
    [InlineData("ＡＩ泡沫", "AI泡沫")]
    [InlineData("already simplified 简体", "already simplified 简体")]
    public void Folds_traditional_and_full_width_text_to_simplified(string input, string expected)
    {
        Assert.Equal(expected, ScriptFolder.Fold(input));
    }

    [Fact]
    public void Folding_keeps_the_length_so_offsets_stay_valid()
    {
        var text = "哈薩比斯說：「顯然私募市場存在泡沫。」😀 Ｏｋ";
        Assert.Equal(text.Length, ScriptFolder.Fold(text).Length);
    }

    [Fact]
    public void Folding_uses_the_full_conversion_table_not_a_handful_of_characters()
    {
        // Characters of everyday text that no hand-picked list of debate words would contain.
        Assert.Equal("龟鸡丽灵岭", ScriptFolder.Fold("龜雞麗靈嶺"));
    }

    [Theory]
    [InlineData("Why do people say AI is a bubble?", AnswerLanguage.English)]
    [InlineData("为什么有人说AI是泡沫？", AnswerLanguage.SimplifiedChinese)]
    [InlineData("哈薩比斯怎麼看私募市場的泡沫？", AnswerLanguage.TraditionalChinese)]
    [InlineData("Vibe coding 係乜嘢？", AnswerLanguage.TraditionalChinese)]
    [InlineData("What does 泡沫 mean in this debate?", AnswerLanguage.English)]
    public void Detects_the_askers_language_and_script(string question, AnswerLanguage expected)
    {
        Assert.Equal(expected, LanguageDetector.Detect(question));
    }

    [Fact]
    public void Splits_chinese_and_english_sentences_without_breaking_numbers_or_domains()
    {
        const string text = "泡沫在哪里？他说：“有。”Prices rose 3.5 percent. Buy.com failed! 最后一句";
        var sentences = Sentences.Split(text, 0, text.Length).Select(r => text[r]).ToList();

        Assert.Equal(["泡沫在哪里？", "他说：“有。”", "Prices rose 3.5 percent.", "Buy.com failed!", "最后一句"], sentences);
    }
}
