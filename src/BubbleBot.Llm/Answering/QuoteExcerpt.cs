using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Llm.Answering;

/// <summary>
/// Picks the verbatim, sentence-bounded part of a cited passage that best matches the claim citing it, so the source
/// list shows (and the text-fragment link highlights) the words the claim rests on.
/// </summary>
internal static class QuoteExcerpt
{
    public const int MaxLength = 300;

    public static string For(string body, Chunk chunk, string claim)
    {
        var sentences = Sentences.Split(body, chunk.Start, chunk.End)
            .Select(s => WithoutSpeakerLabel(body, s, chunk.Speaker))
            .Where(s => s.End.Value > s.Start.Value)
            .ToList();
        if (sentences.Count == 0)
        {
            return Cut(body, chunk.Start, chunk.End);
        }

        var claimGrams = Bigrams(claim);
        var best = 0;
        var bestScore = -1;
        for (var i = 0; i < sentences.Count; i++)
        {
            var grams = Bigrams(body[sentences[i]]);
            var score = grams.Count(claimGrams.Contains);
            if (score > bestScore)
            {
                (best, bestScore) = (i, score);
            }
        }

        // Grow around the best sentence, forward first, while the excerpt stays within the limit.
        int first = best, last = best;
        var start = sentences[best].Start.Value;
        var end = sentences[best].End.Value;
        while (true)
        {
            if (last + 1 < sentences.Count && sentences[last + 1].End.Value - start <= MaxLength)
            {
                end = sentences[++last].End.Value;
            }
            else if (first > 0 && end - sentences[first - 1].Start.Value <= MaxLength)
            {
                start = sentences[--first].Start.Value;
            }
            else
            {
                break;
            }
        }

        return Cut(body, start, end);
    }

    /// <summary>A single sentence longer than the limit is cut at its last clause break that fits, never inside a surrogate pair.</summary>
    private static string Cut(string body, int start, int end)
    {
        if (end - start <= MaxLength)
        {
            return body[start..end];
        }

        var limit = start + MaxLength;
        var clause = body.LastIndexOfAny(['，', ',', '；', ';', '、', ' '], limit - 1, MaxLength / 2);
        var cutAt = clause > start ? clause : limit;
        if (char.IsLowSurrogate(body[cutAt]))
        {
            cutAt--;
        }

        return body[start..cutAt].TrimEnd();
    }

    /// <summary>Character bigrams of letters and digits, case- and script-folded: works for Chinese and English alike.</summary>
    private static HashSet<string> Bigrams(string text)
    {
        var folded = ScriptFolder.Fold(text).ToLowerInvariant();
        var grams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < folded.Length; i++)
        {
            if (char.IsLetterOrDigit(folded[i]) && char.IsLetterOrDigit(folded[i + 1]))
            {
                grams.Add(folded.Substring(i, 2));
            }
        }

        return grams;
    }

    private static Range WithoutSpeakerLabel(string body, Range sentence, string? speaker)
    {
        if (speaker is null)
        {
            return sentence;
        }

        var text = body.AsSpan(sentence.Start.Value, sentence.End.Value - sentence.Start.Value);
        if (!text.StartsWith(speaker, StringComparison.Ordinal) || text.Length <= speaker.Length + 1 || text[speaker.Length] is not (':' or '：'))
        {
            return sentence;
        }

        var start = sentence.Start.Value + speaker.Length + 1;
        while (start < sentence.End.Value && char.IsWhiteSpace(body[start]))
        {
            start++;
        }

        return start..sentence.End;
    }
}
