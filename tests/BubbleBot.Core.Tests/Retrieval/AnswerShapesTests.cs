using BubbleBot.Core.Retrieval;

namespace BubbleBot.Core.Tests.Retrieval;

/// <summary>What counts as the figure an amount question asks for, and as the date a "when" question asks for.</summary>
public sealed class AnswerShapesTests
{
    [Theory]
    [InlineData("OpenAI 承諾將投入 5000 億美元建設 AI 數據中心")]
    [InlineData("他光每天就要烧掉70万美金")]
    [InlineData("三個禮拜內用戶增長了 32%")]
    [InlineData("投資者當下應關注五個預警信號")]
    [InlineData("2000 亿的投入")]
    [InlineData("配套的电厂要达到吉瓦（GW）级别")]
    public void An_amount_is_a_figure(string text)
    {
        Assert.True(AnswerShapes.HasFigure(text));
    }

    [Theory]
    [InlineData("超過了亞馬遜、蘋果、微軟與英偉達 2024 年營收總和")]
    [InlineData("把 AI 繁榮與 90 年代互聯網泡沫相提并論")]
    [InlineData("GPT-5 的发布让人失望")]
    [InlineData("英伟达吹嘘的下一代GB200芯片")]
    [InlineData("like the dot-com bubble of the 1990s")]
    [InlineData("频道才开了三个月")]
    [InlineData("撐不過 18 個月")]
    [InlineData("你哪怕问一个专业领域的问题，它也是整个大脑一块运行")]
    public void A_year_a_decade_a_span_of_months_an_article_or_a_model_name_is_not_a_figure(string text)
    {
        Assert.False(AnswerShapes.HasFigure(text));
    }

    [Theory]
    [InlineData("OpenAI 可能在 2027 年耗尽现金")]
    [InlineData("楚莊王問鼎中原是公元前606年的事")]
    [InlineData("三年前我们还在讨论元宇宙")]
    [InlineData("去年英伟达的市值翻了一倍")]
    [InlineData("It went public in March")]
    public void A_year_a_month_or_a_counted_time_is_a_date(string text)
    {
        Assert.True(AnswerShapes.HasRequired(text, AnswerType.Time));
    }

    [Theory]
    [InlineData("Webvan 失敗了,但多年后 Instacart 用幾乎相同的想法獲得成功")]
    [InlineData("那时候大家都觉得互联网会改变一切")]
    [InlineData("这周的直播我们聊聊 GPT-5")]
    public void Vague_time_words_are_not_a_date(string text)
    {
        Assert.False(AnswerShapes.HasRequired(text, AnswerType.Time));
    }

    [Theory]
    [InlineData("喺過去三個禮拜,每週活躍用戶增長咗 32%")]
    [InlineData("我们花了两个星期才搞定")]
    [InlineData("OpenAI 在 18 个月内就会耗尽资金")]
    public void A_counted_span_of_time_is_a_duration_also_with_a_measure_word(string text)
    {
        Assert.True(AnswerShapes.HasRequired(text, AnswerType.Duration));
    }
}
