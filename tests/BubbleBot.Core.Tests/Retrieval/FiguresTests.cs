using BubbleBot.Core.Retrieval;

namespace BubbleBot.Core.Tests.Retrieval;

/// <summary>English figures read the way the Chinese articles write them.</summary>
public sealed class FiguresTests
{
    [Theory]
    [InlineData("700k", null, "70", '万')]
    [InlineData("14", "billion", "140", '亿')]
    [InlineData("500b", null, "5000", '亿')]
    [InlineData("1.5m", null, "150", '万')]
    [InlineData("4", "trillion", "40000", '亿')]
    public void A_large_figure_becomes_digits_and_a_chinese_unit(string number, string? scale, string digits, char unit)
    {
        Assert.Equal((digits, unit), Figures.InChinese(number, scale));
    }

    [Theory]
    [InlineData("50", null)]
    [InlineData("2021", null)]
    [InlineData("3k", null)]
    [InlineData("gpt", "million")]
    public void A_small_figure_or_a_word_is_not_converted(string number, string? scale)
    {
        Assert.Null(Figures.InChinese(number, scale));
    }
}
