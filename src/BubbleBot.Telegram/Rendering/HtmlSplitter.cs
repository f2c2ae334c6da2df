using System.Text;

namespace BubbleBot.Telegram.Rendering;

/// <summary>
/// Cuts an HTML message into parts of at most <see cref="MaxLength"/> characters, preferring line ends, then
/// sentence ends, then spaces. A cut never falls inside a tag, an entity or a surrogate pair, and tags open at
/// the cut are closed at the end of one part and reopened at the start of the next, so each part parses alone.
/// </summary>
internal static class HtmlSplitter
{
    /// <summary>Telegram's limit for one message.</summary>
    public const int MaxLength = 4096;

    public static IReadOnlyList<string> Split(string html, int maxLength = MaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 64);
        if (html.Length <= maxLength)
        {
            return string.IsNullOrWhiteSpace(html) ? [] : [html];
        }

        var tokens = Tokenize(html);
        var parts = new List<string>();
        var i = 0;
        var open = new List<Token>();
        while (i < tokens.Count)
        {
            var (part, next, openAtCut) = TakePart(tokens, i, open, maxLength);
            if (HasVisibleText(part))
            {
                parts.Add(part);
            }

            i = next;
            open = openAtCut;
        }

        return parts;
    }

    private static (string Part, int Next, List<Token> Open) TakePart(List<Token> tokens, int start, List<Token> reopen, int maxLength)
    {
        var builder = new StringBuilder(maxLength);
        foreach (var tag in reopen)
        {
            builder.Append(tag.Text);
        }

        var stack = new List<Token>(reopen);
        var prefixLength = builder.Length;

        // The best cut seen so far for each kind of boundary: (length of text before the cut, next token, open tags then).
        Cut? line = null, sentence = null, space = null, any = null;
        var i = start;
        for (; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var stackAfter = stack;
            if (token.Kind == TokenKind.Open)
            {
                stackAfter = [.. stack, token];
            }
            else if (token.Kind == TokenKind.Close)
            {
                stackAfter = PopMatching(stack, token.Name);
            }

            var needed = builder.Length + token.Text.Length + ClosingLength(stackAfter);
            if (needed > maxLength && builder.Length > prefixLength)
            {
                break;
            }

            builder.Append(token.Text);
            stack = stackAfter;
            var cut = new Cut(builder.Length, i + 1, stack);
            any = cut;
            if (token.Kind == TokenKind.Text)
            {
                if (token.Text == "\n")
                {
                    line = cut;
                }
                else if (char.IsWhiteSpace(token.Text[0]))
                {
                    space = cut;
                    if (i > start && EndsSentence(tokens[i - 1]))
                    {
                        sentence = cut;
                    }
                }
                else if (IsCjkSentenceEnd(token.Text))
                {
                    sentence = cut;
                }
            }
        }

        if (i >= tokens.Count)
        {
            return (builder.ToString(), i, []);
        }

        // A cut this early would make a stub of a part; fall back to a finer boundary further on.
        var floor = prefixLength + ((maxLength - prefixLength) / 2);
        var chosen = new[] { line, sentence, space }.FirstOrDefault(c => c is not null && c.Length >= floor) ?? any!;
        var text = builder.ToString(0, chosen.Length);
        var closing = new StringBuilder();
        for (var k = chosen.Open.Count - 1; k >= 0; k--)
        {
            closing.Append("</").Append(chosen.Open[k].Name).Append('>');
        }

        return (text.TrimEnd() + closing, SkipLeadingSpace(tokens, chosen.Next), chosen.Open);
    }

    private static int SkipLeadingSpace(List<Token> tokens, int i)
    {
        while (i < tokens.Count && tokens[i].Kind == TokenKind.Text && char.IsWhiteSpace(tokens[i].Text[0]))
        {
            i++;
        }

        return i;
    }

    private static List<Token> PopMatching(List<Token> stack, string name)
    {
        var index = stack.FindLastIndex(t => t.Name == name);
        return index < 0 ? stack : stack[..index];
    }

    private static int ClosingLength(List<Token> stack) => stack.Sum(t => t.Name.Length + 3);

    private static bool EndsSentence(Token token) => token.Kind == TokenKind.Text && token.Text is "." or "!" or "?" or ";" or ":";

    private static bool IsCjkSentenceEnd(string text) => text is "。" or "！" or "？" or "；";

    private static bool HasVisibleText(string part)
    {
        var inTag = false;
        foreach (var c in part)
        {
            if (c == '<')
            {
                inTag = true;
            }
            else if (c == '>')
            {
                inTag = false;
            }
            else if (!inTag && !char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits into tags, entities and single characters (a surrogate pair stays one token).</summary>
    private static List<Token> Tokenize(string html)
    {
        var tokens = new List<Token>(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<')
            {
                var end = html.IndexOf('>', i);
                if (end < 0)
                {
                    end = html.Length - 1;
                }

                var text = html[i..(end + 1)];
                var closing = text.StartsWith("</", StringComparison.Ordinal);
                var nameStart = closing ? 2 : 1;
                var nameEnd = nameStart;
                while (nameEnd < text.Length && char.IsAsciiLetterOrDigit(text[nameEnd]) || nameEnd < text.Length && text[nameEnd] == '-')
                {
                    nameEnd++;
                }

                tokens.Add(new Token(closing ? TokenKind.Close : TokenKind.Open, text, text[nameStart..nameEnd].ToLowerInvariant()));
                i = end + 1;
            }
            else if (c == '&' && html.IndexOf(';', i) is var semi and > 0 && semi - i <= 10)
            {
                tokens.Add(new Token(TokenKind.Entity, html[i..(semi + 1)], string.Empty));
                i = semi + 1;
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < html.Length && char.IsLowSurrogate(html[i + 1]) ? 2 : 1;
                tokens.Add(new Token(TokenKind.Text, html.Substring(i, length), string.Empty));
                i += length;
            }
        }

        return tokens;
    }

    private enum TokenKind
    {
        Text,
        Entity,
        Open,
        Close,
    }

    private sealed record Token(TokenKind Kind, string Text, string Name);

    private sealed record Cut(int Length, int Next, List<Token> Open);
}
