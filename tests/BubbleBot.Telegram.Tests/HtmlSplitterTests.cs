using BubbleBot.Telegram.Rendering;
using BubbleBot.Telegram.Tests.Infrastructure;

namespace BubbleBot.Telegram.Tests;

public sealed class HtmlSplitterTests
{
    [Fact]
    public void Short_messages_stay_whole()
    {
        Assert.Equal(["<b>hi</b> &amp; bye"], HtmlSplitter.Split("<b>hi</b> &amp; bye"));
    }

    [Fact]
    public void Prefers_line_ends_then_sentence_ends()
    {
        var line = string.Concat(Enumerable.Repeat("Word. ", 10)).TrimEnd();
        var html = string.Join('\n', Enumerable.Repeat(line, 8));

        var parts = HtmlSplitter.Split(html, 200);

        Assert.All(parts, p => Assert.Equal(line, p.Split('\n')[^1]));
        Assert.Equal(html.Replace("\n", ""), string.Concat(parts).Replace("\n", ""));
    }

    [Fact]
    public void Tags_open_at_a_cut_are_closed_and_reopened()
    {
        var html = "<b>" + string.Concat(Enumerable.Repeat("bold words here. ", 30)) + "</b> <a href=\"https://x.org/?a=1&amp;b=2\">" + new string('l', 300) + "</a>";

        var parts = HtmlSplitter.Split(html, 128);

        Assert.True(parts.Count > 3);
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 128));
        Assert.All(parts, p => TelegramHtml.AssertValid(p));
        Assert.All(parts.Skip(1).Take(2), p => Assert.StartsWith("<b>", p));
    }

    [Fact]
    public void Never_cuts_inside_an_entity_or_a_surrogate_pair()
    {
        var html = string.Concat(Enumerable.Repeat("&amp;📈&lt;字", 200));

        var parts = HtmlSplitter.Split(html, 97);

        Assert.All(parts, p => Assert.InRange(p.Length, 1, 97));
        Assert.All(parts, p => TelegramHtml.AssertValid(p));
        Assert.Equal(html, string.Concat(parts));
    }
}

public sealed class PlainTextTests
{
    [Theory]
    [InlineData("<b>Sources</b>\n[1] <a href=\"https://x.org/?a=1&amp;b=2\">A &amp; B</a> — &lt;Eve&gt;", "Sources\n[1] A & B — <Eve>")]
    [InlineData("a < b and c > d &amp; <tg-spoiler>e</tg-spoiler>", "a < b and c > d & e")]
    [InlineData("&quot;quoted&quot; &#128200;", "\"quoted\" 📈")]
    public void Tags_are_removed_and_entities_decoded(string html, string plain)
    {
        Assert.Equal(plain, Html.ToPlainText(html));
    }
}
