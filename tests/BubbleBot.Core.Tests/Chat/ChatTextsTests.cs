using BubbleBot.Core.Chat;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Tests.Chat;

public sealed class ChatTextsTests
{
    [Theory]
    [InlineData("Will OpenAI run out of money?", true)]
    [InlineData("why do people call AI a bubble", true)]
    [InlineData("OpenAI会烧光钱吗", true)]
    [InlineData("點解話AI係泡沫", true)]
    [InlineData("hello everyone", false)]
    [InlineData("thanks!", false)]
    [InlineData("好的", false)]
    [InlineData("   ", false)]
    public void Question_like_messages_are_told_from_small_talk(string text, bool expected) => Assert.Equal(expected, QuestionLike.Is(text));

    [Theory]
    [InlineData("zh-TW", AnswerLanguage.TraditionalChinese)]
    [InlineData("zh-hant", AnswerLanguage.TraditionalChinese)]
    [InlineData("zh-CN", AnswerLanguage.SimplifiedChinese)]
    [InlineData("zh-hans", AnswerLanguage.SimplifiedChinese)]
    [InlineData("en-US", AnswerLanguage.English)]
    [InlineData(null, AnswerLanguage.English)]
    public void Client_locales_map_to_answer_languages(string? locale, AnswerLanguage expected) => Assert.Equal(expected, ChatTexts.LanguageOfLocale(locale));

    [Fact]
    public void The_apology_follows_the_questions_script()
    {
        Assert.Contains("請", ChatTexts.ApologyFor("為什麼說AI是泡沫？"), StringComparison.Ordinal);
        Assert.Contains("请", ChatTexts.ApologyFor("为什么说AI是泡沫？"), StringComparison.Ordinal);
        Assert.StartsWith("Sorry, something went wrong", ChatTexts.ApologyFor("Why is AI a bubble?"), StringComparison.Ordinal);
    }
}
