using System.Text;

namespace BubbleBot.Discord.Messages;

/// <summary>Cuts text to a length at a sentence or line end where it can, never inside a surrogate pair.</summary>
internal static class TextCut
{
    public const string Ellipsis = "…";

    private static readonly char[] SentenceEnds = ['.', '!', '?', '。', '！', '？', '…'];

    public static string ToLength(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (text.Length <= max)
        {
            return text;
        }

        if (max <= Ellipsis.Length + 1)
        {
            return SafePrefix(text, max);
        }

        var limit = max - Ellipsis.Length - 1;
        var floor = limit / 2;
        var cut = LastBoundary(text, limit, floor);
        var ending = " " + Ellipsis;
        if (cut < 0)
        {
            cut = LastWhitespace(text, limit, floor);
            ending = Ellipsis;
        }

        if (cut < 0)
        {
            cut = limit;
        }

        var head = SafePrefix(text, cut).TrimEnd();
        // A dangling markdown escape would swallow the ellipsis.
        if (TrailingBackslashes(head) % 2 == 1)
        {
            head = head[..^1];
        }

        return head + ending;
    }

    /// <summary>
    /// Splits <paramref name="text"/> into parts of at most <paramref name="max"/> characters, each ending at a sentence
    /// or line end where one lies in the second half of the part, else at a space, else at <paramref name="max"/>
    /// (never inside a surrogate pair or after a lone markdown escape). Only whitespace at the cuts is dropped.
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var parts = new List<string>();
        var rest = text.Trim();
        while (rest.Length > max)
        {
            var cut = LastBoundary(rest, max, max / 2);
            if (cut < 0)
            {
                cut = LastWhitespace(rest, max, max / 2);
            }

            if (cut <= 0)
            {
                cut = SafePrefix(rest, max).Length;
            }

            // A part ending in an odd run of backslashes would escape the next part's first character.
            if (TrailingBackslashes(rest[..cut]) % 2 == 1)
            {
                cut--;
            }

            parts.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0)
        {
            parts.Add(rest);
        }

        return parts;
    }

    /// <summary>The first <paramref name="length"/> characters, one fewer when the last would be half a surrogate pair.</summary>
    public static string SafePrefix(string text, int length)
    {
        if (length >= text.Length)
        {
            return text;
        }

        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return text[..length];
    }

    /// <summary>Joins whole lines while they fit in <paramref name="max"/>; the rest is replaced by an ellipsis line.</summary>
    public static string JoinLines(IReadOnlyList<string> lines, int max)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var separator = builder.Length == 0 ? 0 : 1;
            var reserve = i == lines.Count - 1 ? 0 : 1 + Ellipsis.Length;
            if (builder.Length + separator + lines[i].Length + reserve > max)
            {
                if (builder.Length + separator + Ellipsis.Length <= max)
                {
                    builder.Append(separator == 1 ? "\n" : string.Empty).Append(Ellipsis);
                }

                break;
            }

            builder.Append(separator == 1 ? "\n" : string.Empty).Append(lines[i]);
        }

        return builder.ToString();
    }

    // Index just after the last sentence end or line break within [floor, limit], or -1.
    private static int LastBoundary(string text, int limit, int floor)
    {
        for (var i = Math.Min(limit, text.Length) - 1; i >= floor; i--)
        {
            var c = text[i];
            if (c == '\n')
            {
                return i;
            }

            if (Array.IndexOf(SentenceEnds, c) >= 0)
            {
                var next = i + 1 < text.Length ? text[i + 1] : ' ';
                // CJK full stops need no following space; Latin ones do, so "3.5" or "U.S." are not cut.
                if (c > '\u2000' || char.IsWhiteSpace(next))
                {
                    return i + 1;
                }
            }
        }

        return -1;
    }

    private static int LastWhitespace(string text, int limit, int floor)
    {
        for (var i = Math.Min(limit, text.Length) - 1; i >= floor; i--)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int TrailingBackslashes(string text)
    {
        var count = 0;
        for (var i = text.Length - 1; i >= 0 && text[i] == '\\'; i--)
        {
            count++;
        }

        return count;
    }
}
