using System.Text;

namespace BubbleBot.Discord.Messages;

/// <summary>Discord markdown helpers: corpus text is shown as written, never interpreted as formatting or links.</summary>
internal static class Markdown
{
    /// <summary>Escapes formatting characters; [n] markers stay readable, but "](" can never form a masked link.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var escape = c is '\\' or '*' or '_' or '~' or '`' or '|'
                || (lineStart && c is '>' or '#' or '-')
                || (c == '(' && i > 0 && text[i - 1] == ']');
            if (escape)
            {
                builder.Append('\\');
            }

            builder.Append(c);
            lineStart = c == '\n' || (lineStart && c == ' ');
        }

        return builder.ToString();
    }

    /// <summary>Text inside the brackets of a masked link.</summary>
    public static string EscapeLinkText(string text) => Escape(text).Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);

    /// <summary>
    /// A URL inside the parentheses of a masked link: parentheses, spaces and angle brackets would end or break the
    /// link (text-fragment links often contain them), so they are percent-encoded; the URL still opens the same page.
    /// </summary>
    public static string EncodeLinkUrl(string url)
    {
        var builder = new StringBuilder(url.Length + 8);
        foreach (var c in url)
        {
            _ = c switch
            {
                '(' => builder.Append("%28"),
                ')' => builder.Append("%29"),
                ' ' => builder.Append("%20"),
                '<' => builder.Append("%3C"),
                '>' => builder.Append("%3E"),
                '[' => builder.Append("%5B"),
                ']' => builder.Append("%5D"),
                _ when char.IsControl(c) => builder,
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    public static string Link(string text, string url) => $"[{EscapeLinkText(text)}]({EncodeLinkUrl(url)})";
}
