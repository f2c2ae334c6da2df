using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Llm.Answering;

/// <summary>
/// Picks the verbatim, sentence-bounded part of a cited passage that best matches the claim citing it, so the source
/// list shows (and the text-fragment link highlights) the words the claim rests on. Sentences, cutting and display
/// are the core's <see cref="Quotes"/>, as for quoted answers.
/// </summary>
internal static class QuoteExcerpt
{
    public const int MaxLength = 300;

    public static string For(Article article, Chunk chunk, string claim)
    {
        var body = article.Body;
        var sentences = Quotes.SentencesOf(article, chunk);
        if (sentences.Count == 0)
        {
            return Quotes.Display(body, new QuoteSpan(article.Id, chunk.Start, chunk.End, chunk.Speaker), MaxLength).Text;
        }

        var claimGrams = Bigrams(claim);
        var best = 0;
        var bestScore = -1;
        for (var i = 0; i < sentences.Count; i++)
        {
            var grams = Bigrams(body[sentences[i].Start..sentences[i].End]);
            var score = grams.Count(claimGrams.Contains);
            if (score > bestScore)
            {
                (best, bestScore) = (i, score);
            }
        }

        // Grow around the best sentence, forward first, while the excerpt stays within the limit.
        int first = best, last = best;
        var start = sentences[best].Start;
        var end = sentences[best].End;
        while (true)
        {
            if (last + 1 < sentences.Count && sentences[last + 1].End - start <= MaxLength)
            {
                end = sentences[++last].End;
            }
            else if (first > 0 && end - sentences[first - 1].Start <= MaxLength)
            {
                start = sentences[--first].Start;
            }
            else
            {
                break;
            }
        }

        return Quotes.Display(body, new QuoteSpan(article.Id, start, end, chunk.Speaker), MaxLength).Text;
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
}
