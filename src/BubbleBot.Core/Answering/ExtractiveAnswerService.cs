using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Answering;

/// <summary>
/// The embedded default, needing no model: quotes the most relevant sentences of the best passages verbatim,
/// numbered [1], [2] …, from at most three passages, framed in the asker's language and script.
/// </summary>
public sealed class ExtractiveAnswerService(IRetriever retriever, QuestionMatcher matcher, IArticleCatalog catalog) : IAnswerService
{
    public const int MaxSources = 3;

    /// <summary>Passages considered before picking the few that are quoted.</summary>
    private const int Candidates = 12;

    /// <summary>A quote borrows the following sentence while both together stay within this length.</summary>
    private const int ContextQuoteLength = 200;

    private const int MaxQuoteLength = 260;

    /// <summary>Each further passage from an article already quoted counts for this share of its score, to let other articles speak.</summary>
    private const double SameArticlePenalty = 0.6;

    /// <summary>Passages scoring below this share of the best one are not worth quoting.</summary>
    private const double RelativeFloor = 0.4;

    public async Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        var question = request.Question;
        var language = LanguageDetector.Detect(question);
        var hits = await retriever.RetrieveAsync(question, Candidates, cancellationToken);
        return hits.Count == 0
            ? Refuse(question, language)
            : Compose(question, language, SelectPassages(hits), matcher.Plan(question));
    }

    /// <summary>The refusal for a question the articles do not cover, listing what they do cover so the asker can rephrase.</summary>
    public Answer Refuse(string question, AnswerLanguage language)
    {
        var labels = AnswerLabels.For(language);
        var titles = catalog.Articles.Select(a => $"• {DisplayTitle(a, language)}");
        var text = $"{labels.NoAnswer}\n{labels.CoveredTopics}\n{string.Join('\n', titles)}";
        return new Answer(question, text, NoAnswer: true, [], language);
    }

    public static string DisplayTitle(Article article, AnswerLanguage language) =>
        language == AnswerLanguage.English && !string.IsNullOrWhiteSpace(article.TitleEn) ? article.TitleEn : article.Title;

    private static List<Chunk> SelectPassages(IReadOnlyList<RetrievalHit> hits)
    {
        var remaining = hits.ToList();
        var picked = new List<Chunk>();
        var perArticle = new Dictionary<string, int>();
        var top = hits[0].Score;
        while (picked.Count < MaxSources && remaining.Count > 0)
        {
            var next = remaining
                .Select(h => (Hit: h, Score: h.Score * Math.Pow(SameArticlePenalty, perArticle.GetValueOrDefault(h.Chunk.DocId))))
                .MaxBy(x => x.Score);
            if (picked.Count > 0 && next.Score < top * RelativeFloor)
            {
                break;
            }

            picked.Add(next.Hit.Chunk);
            perArticle[next.Hit.Chunk.DocId] = perArticle.GetValueOrDefault(next.Hit.Chunk.DocId) + 1;
            remaining.Remove(next.Hit);
        }

        return picked;
    }

    private Answer Compose(string question, AnswerLanguage language, List<Chunk> passages, QueryPlan plan)
    {
        var labels = AnswerLabels.For(language);
        var citations = new List<Citation>();
        var lines = new List<string> { labels.Intro };
        var seen = new HashSet<string>();
        foreach (var chunk in passages)
        {
            var article = catalog.Find(chunk.DocId)!;
            var (quote, cut) = BestQuote(article.Body, chunk, plan);
            if (!seen.Add(ScriptFolder.Fold(quote)))
            {
                continue;
            }

            var n = citations.Count + 1;
            var link = article.Url is null ? null
                : article.UrlCarriesCorpusText ? TextFragmentLink.Create(article.Url, quote)
                : article.Url;
            citations.Add(new Citation(n, article.Id, DisplayTitle(article, language), article.Url, quote, article.Author, article.Published, link));
            var shown = cut ? quote + "…" : quote;
            var said = chunk.Speaker is null ? string.Empty
                : language == AnswerLanguage.English ? $"{chunk.Speaker}: " : $"{chunk.Speaker}：";
            lines.Add(language == AnswerLanguage.English ? $"{said}“{shown}” [{n}]" : $"{said}「{shown}」[{n}]");
        }

        return new Answer(question, string.Join("\n\n", lines), NoAnswer: false, citations, language);
    }

    /// <summary>The sentence (or two) of a passage that covers most of the question, verbatim from the article body.</summary>
    private (string Quote, bool Cut) BestQuote(string body, Chunk chunk, QueryPlan plan)
    {
        var sentences = Sentences.Split(body, chunk.Start, chunk.End).Select(s => WithoutListMarker(body, WithoutSpeakerLabel(body, s, chunk.Speaker)))
            .Where(s => s.End.Value > s.Start.Value)
            .DefaultIfEmpty(chunk.Start..chunk.End)
            .ToList();
        var bestIndex = 0;
        var bestScore = -1.0;
        for (var i = 0; i < sentences.Count; i++)
        {
            var score = plan.Coverage(matcher.TermsOfText(body[sentences[i]]));
            if (score > bestScore)
            {
                (bestIndex, bestScore) = (i, score);
            }
        }

        var start = sentences[bestIndex].Start.Value;
        var end = sentences[bestIndex].End.Value;

        // The sentence after the best one often carries the substance (the figure, the verdict): keep it when it fits
        // and belongs to the same paragraph, so a quote never straddles a paragraph or a list.
        if (bestIndex + 1 < sentences.Count
            && sentences[bestIndex + 1].End.Value - start <= ContextQuoteLength
            && body.AsSpan(end, sentences[bestIndex + 1].Start.Value - end).IndexOf('\n') < 0)
        {
            end = sentences[bestIndex + 1].End.Value;
        }

        if (end - start <= MaxQuoteLength)
        {
            return (body[start..end], false);
        }

        // Cut a long sentence at the last clause break that fits, never inside a surrogate pair.
        var limit = start + MaxQuoteLength;
        var clause = body.LastIndexOfAny(['，', ',', '；', '、', ' '], limit - 1, MaxQuoteLength / 2);
        var cutAt = clause > start ? clause : limit;
        if (char.IsLowSurrogate(body[cutAt]))
        {
            cutAt--;
        }

        return (body[start..cutAt], true);
    }

    /// <summary>A Markdown list marker ("- ", "* ", "1. ") is layout, not words of the article: quotes start after it.</summary>
    private static Range WithoutListMarker(string body, Range sentence)
    {
        var text = body.AsSpan(sentence.Start.Value, sentence.End.Value - sentence.Start.Value);
        var marker = 0;
        if (text.Length > 2 && text[0] is '-' or '*' or '+' && text[1] == ' ')
        {
            marker = 2;
        }
        else if (text.IndexOf(". ") is > 0 and <= 3 and var dot && !text[..dot].ContainsAnyExcept("0123456789"))
        {
            marker = dot + 2;
        }

        return marker == 0 || marker >= text.Length ? sentence : (sentence.Start.Value + marker)..sentence.End;
    }

    private static Range WithoutSpeakerLabel(string body, Range sentence, string? speaker)
    {
        if (speaker is null)
        {
            return sentence;
        }

        var text = body.AsSpan(sentence.Start.Value, sentence.End.Value - sentence.Start.Value);
        if (text.StartsWith(speaker, StringComparison.Ordinal) && text.Length > speaker.Length + 1 && text[speaker.Length] is ':' or '：')
        {
            var start = sentence.Start.Value + speaker.Length + 1;
            while (start < sentence.End.Value && char.IsWhiteSpace(body[start]))
            {
                start++;
            }

            return start..sentence.End;
        }

        return sentence;
    }
}
