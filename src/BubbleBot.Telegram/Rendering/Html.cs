using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace BubbleBot.Telegram.Rendering;

/// <summary>Escaping for Telegram's HTML parse mode: everything from the corpus or a user goes through here.</summary>
internal static partial class Html
{
    /// <summary>Escapes text content: <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> are the only characters the parser cares about.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>Escapes an attribute value written inside double quotes.</summary>
    public static string EscapeAttribute(string value) => Escape(value).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>A link to an http(s) URL, or just the escaped text when the URL is missing or of another scheme.</summary>
    public static string Link(string? url, string text)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return Escape(text);
        }

        return $"<a href=\"{EscapeAttribute(url)}\">{Escape(text)}</a>";
    }

    /// <summary>
    /// The visible text of a message for sending without a parse mode: tags removed, entities decoded. Only what looks
    /// like a tag is removed, so a stray "&lt;" in the text survives.
    /// </summary>
    public static string ToPlainText(string html) => WebUtility.HtmlDecode(Tag().Replace(html, string.Empty));

    [GeneratedRegex("""</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>""")]
    private static partial Regex Tag();
}
