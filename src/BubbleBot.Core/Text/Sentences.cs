namespace BubbleBot.Core.Text;

/// <summary>Splits text into sentences at Chinese and English sentence ends and at line breaks, as offset spans.</summary>
public static class Sentences
{
    private const string ChineseEnds = "。！？；…";
    private const string Closers = "」』”’\"'）)】";

    /// <summary>Sentence spans of <paramref name="text"/>[<paramref name="start"/>..<paramref name="end"/>], trimmed of whitespace, in order.</summary>
    public static List<Range> Split(string text, int start, int end)
    {
        var spans = new List<Range>();
        var sentenceStart = start;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            var boundary = -1;
            if (c == '\n')
            {
                boundary = i;
            }
            else if (ChineseEnds.Contains(c) || c is '!' or '?' || (c == '.' && IsEnglishFullStop(text, i, end)))
            {
                var j = i + 1;
                while (j < end && (ChineseEnds.Contains(text[j]) || text[j] is '!' or '?' or '.' || Closers.Contains(text[j])))
                {
                    j++;
                }

                // Latin punctuation only ends a sentence before a space or the end; "3.5" and "Buy.com" stay whole.
                if (c is '!' or '?' or '.' && j < end && !char.IsWhiteSpace(text[j]) && !LanguageDetector.IsHan(text[j]))
                {
                    continue;
                }

                boundary = j;
                i = j - 1;
            }

            if (boundary >= 0)
            {
                Add(spans, text, sentenceStart, boundary);
                sentenceStart = boundary;
            }
        }

        Add(spans, text, sentenceStart, end);
        return spans;
    }

    /// <summary>True when the sentence asks: it ends with a question mark or 吗, inside any closing quote.</summary>
    public static bool IsQuestion(string sentence)
    {
        var trimmed = sentence.TrimEnd('」', '”', '"', '’', '\'', ')', '）', ' ');
        return trimmed.EndsWith('?') || trimmed.EndsWith('？') || trimmed.EndsWith('吗') || trimmed.EndsWith("吗。");
    }

    private static bool IsEnglishFullStop(string text, int i, int end) =>
        i + 1 >= end || char.IsWhiteSpace(text[i + 1]) || Closers.Contains(text[i + 1]);

    private static void Add(List<Range> spans, string text, int from, int to)
    {
        while (from < to && char.IsWhiteSpace(text[from]))
        {
            from++;
        }

        while (to > from && char.IsWhiteSpace(text[to - 1]))
        {
            to--;
        }

        if (to > from)
        {
            spans.Add(from..to);
        }
    }
}
