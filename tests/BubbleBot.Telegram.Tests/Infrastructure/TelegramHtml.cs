using System.Text;
using System.Text.RegularExpressions;

namespace BubbleBot.Telegram.Tests.Infrastructure;

/// <summary>
/// Checks a message the way Telegram's HTML parse mode would: only supported tags, balanced, attributes quoted and
/// escaped, every &amp; an entity, no stray &lt; or &gt;. Returns the visible text with entities decoded.
/// </summary>
public static partial class TelegramHtml
{
    private static readonly HashSet<string> Allowed = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler"];

    public static string AssertValid(string html)
    {
        var text = new StringBuilder();
        var stack = new Stack<string>();
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<')
            {
                var match = TagPattern().Match(html, i);
                Assert.True(match.Success && match.Index == i, $"Unparsable tag at {i}: {Excerpt(html, i)}");
                var name = match.Groups["name"].Value;
                Assert.Contains(name, Allowed);
                if (match.Groups["close"].Success)
                {
                    Assert.True(stack.Count > 0 && stack.Pop() == name, $"Unbalanced </{name}> at {i}: {Excerpt(html, i)}");
                }
                else
                {
                    Assert.True(name == "a" || !match.Groups["href"].Success, $"Attribute on <{name}>");
                    if (name == "a")
                    {
                        Assert.True(match.Groups["href"].Success, "<a> without href");
                        CheckEntities(match.Groups["href"].Value);
                    }

                    stack.Push(name);
                }

                i += match.Length;
            }
            else if (c == '&')
            {
                var match = EntityPattern().Match(html, i);
                Assert.True(match.Success && match.Index == i, $"Bare & at {i}: {Excerpt(html, i)}");
                text.Append(System.Net.WebUtility.HtmlDecode(match.Value));
                i += match.Length;
            }
            else
            {
                Assert.True(c != '>', $"Bare > at {i}: {Excerpt(html, i)}");
                Assert.False(char.IsHighSurrogate(c) && (i + 1 >= html.Length || !char.IsLowSurrogate(html[i + 1])), $"Broken surrogate pair at {i}");
                Assert.False(char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(html[i - 1])), $"Broken surrogate pair at {i}");
                text.Append(c);
                i++;
            }
        }

        Assert.True(stack.Count == 0, $"Unclosed tags: {string.Join(", ", stack)}");
        return text.ToString();
    }

    /// <summary>The href values of the links in a message, decoded.</summary>
    public static IReadOnlyList<string> Links(string html) =>
        [.. LinkPattern().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["href"].Value))];

    private static void CheckEntities(string value)
    {
        Assert.DoesNotContain('"', value);
        Assert.DoesNotContain('<', value);
        for (var i = value.IndexOf('&'); i >= 0; i = value.IndexOf('&', i + 1))
        {
            var match = EntityPattern().Match(value, i);
            Assert.True(match.Success && match.Index == i, $"Bare & in attribute: {value}");
        }
    }

    private static string Excerpt(string html, int at) => html.Substring(Math.Max(0, at - 20), Math.Min(60, html.Length - Math.Max(0, at - 20)));

    [GeneratedRegex("""\G<(?<close>/)?(?<name>[a-z][a-z-]*)(?:\s+href="(?<href>[^"]*)")?>""")]
    private static partial Regex TagPattern();

    [GeneratedRegex("""<a href="(?<href>[^"]*)">""")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("""\G&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);""")]
    private static partial Regex EntityPattern();
}
