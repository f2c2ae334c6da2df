using System.Globalization;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Answering;

/// <summary>
/// The embedded default, needing no model: quotes the sentences of the best passages that answer the question,
/// verbatim, numbered [1], [2] …, from at most three passages; both sides of the debate from the articles' claims;
/// the gist of an article a question names; and a plain refusal, naming a subject the articles never mention.
/// </summary>
public sealed class ExtractiveAnswerService(IRetriever retriever, IArticleCatalog catalog, IChunkStore chunks) : IAnswerService
{
    public const int MaxSources = 3;

    /// <summary>Passages considered before picking the few that are quoted.</summary>
    private const int Candidates = 12;

    /// <summary>Each further passage from an article already quoted counts for this share of its score, to let other articles speak.</summary>
    private const double SameArticlePenalty = 0.6;

    /// <summary>Passages scoring below this share of the best one are not worth quoting.</summary>
    private const double RelativeFloor = 0.4;

    /// <summary>Share of a passage's rank that comes from its best answering sentence rather than from retrieval.</summary>
    private const double AnswerWeight = 0.5;

    /// <summary>Passages whose sentences are scored for answering: a few more than are ever quoted.</summary>
    private const int AnswerCandidates = 6;

    /// <summary>Added to the answer score of a transcript turn by a speaker the question names.</summary>
    private const double NamedSpeakerBonus = 0.15;

    /// <summary>Claims quoted per side of the debate.</summary>
    private const int ClaimsPerSide = 3;

    public async Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        var result = await retriever.RetrieveAsync(new RetrievalRequest(request.Question, request.PreviousQuestion, request.BothSides), Candidates, cancellationToken);
        return Answer(result);
    }

    /// <summary>The answer for a retrieval result: quotes, both sides, an article's gist, or the refusal its verdict calls for.</summary>
    public Answer Answer(RetrievalResult result)
    {
        var question = result.Question;
        if (result.Verdict != RelevanceVerdict.Answerable)
        {
            return Refuse(question, result.Verdict);
        }

        if (question.Intent == QuestionIntent.Sides)
        {
            return Sides(question, result.Hits);
        }

        if (question.AsksForGist && Gist(question, result.Hits) is { } gist)
        {
            return gist;
        }

        return result.Hits.Count == 0 ? Refuse(question, RelevanceVerdict.NotCovered) : Compose(question, SelectPassages(ByAnswer(question, result.Hits)));
    }

    /// <summary>
    /// The passages re-ranked by how well their best sentence answers (or, for a question turn of a transcript, the
    /// replies after it): the passage that matches the question best is often the one that repeats it.
    /// </summary>
    private List<RetrievalHit> ByAnswer(QuestionAnalysis question, IReadOnlyList<RetrievalHit> hits)
    {
        var top = Math.Max(hits[0].Score, double.Epsilon);
        // A bare "为什么？" after a question wants the reasons, which may be in any passage about its topic.
        return [.. hits
            .Take(question.AsksOnlyAnotherKindOfAnswer ? Candidates : AnswerCandidates)
            .Select(h => new RetrievalHit(h.Chunk, ((1 - AnswerWeight) * h.Score / top) + (AnswerWeight * BestAnswer(question, h.Chunk))))
            .OrderByDescending(h => h.Score)];
    }

    private double BestAnswer(QuestionAnalysis question, Chunk chunk)
    {
        var article = catalog.Find(chunk.DocId);
        if (article is null)
        {
            return 0;
        }

        var sentences = Quotes.SentencesOf(article, chunk);
        var best = Quotes.AnswerScores(question, article.Body, sentences, chunk.Heading).DefaultIfEmpty(0).Max();

        // A speaker's name is an alias (a filter, not content), yet "索隆怎么说？" is answered by 索隆's turns.
        if (chunk.Speaker is { } speaker && WhereNamed(question, speaker) >= 0)
        {
            best += NamedSpeakerBonus;
        }

        if (sentences.Count > 0 && Sentences.IsQuestion(article.Body[sentences[^1].Start..sentences[^1].End]))
        {
            // The replies answer what the question turn asked: they share the turn's coverage. A reply that asks
            // back ("不知道，多少钱？") passes the question on to the next turn.
            var asked = question.CoverageOf(article.Body[chunk.Start..chunk.End]) / 2;
            foreach (var turn in Following(chunk).Take(RelevanceJudge.ReplyTurns))
            {
                var replies = Quotes.SentencesOf(article, turn);
                foreach (var reply in replies)
                {
                    best = Math.Max(best, Quotes.AnswerScore(question, article.Body[reply.Start..reply.End]) + asked);
                }

                if (replies.Count == 0 || !Sentences.IsQuestion(article.Body[replies[^1].Start..replies[^1].End]))
                {
                    break;
                }
            }
        }

        return best;
    }

    /// <summary>The refusal for a question the articles do not cover, listing what they do cover so the asker can rephrase.</summary>
    public Answer Refuse(QuestionAnalysis question, RelevanceVerdict verdict)
    {
        var language = question.Language;
        var labels = AnswerLabels.For(language);
        var reason = verdict switch
        {
            RelevanceVerdict.Injection => labels.Injection,
            RelevanceVerdict.AbsentSubject when question.AbsentSubjects.Count > 0 =>
                string.Format(CultureInfo.InvariantCulture, labels.AbsentSubject, JoinNames(question.AbsentSubjects, language)),
            RelevanceVerdict.NoAnswerOfThatKind => labels.NoAnswerOfThatKind,
            _ => labels.NoAnswer,
        };
        var titles = catalog.Articles.Select(a => $"• {Quotes.DisplayTitle(a, language)}");
        var text = $"{reason}\n{labels.CoveredTopics}\n{string.Join('\n', titles)}";
        return new Answer(question.Text, text, NoAnswer: true, [], language);
    }

    private static string JoinNames(IEnumerable<string> names, AnswerLanguage language) =>
        string.Join(language == AnswerLanguage.English ? ", " : "、", names);

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

    private Answer Compose(QuestionAnalysis question, List<Chunk> passages)
    {
        var language = question.Language;
        var labels = AnswerLabels.For(language);
        var intro = question.AbsentSubjects.Count == 0
            ? labels.Intro
            : string.Format(CultureInfo.InvariantCulture, labels.AbsentSubject, JoinNames(question.AbsentSubjects, language)) + (language == AnswerLanguage.English ? " " : string.Empty) + labels.Intro;
        var builder = new AnswerBuilder(question, intro);
        var quoted = new List<QuoteSpan>();
        foreach (var chunk in passages)
        {
            var article = catalog.Find(chunk.DocId)!;
            var spans = Quotes.Select(question, article, chunk, Following(chunk), ReplyBy(question, chunk));
            foreach (var span in spans.Where(s => !quoted.Any(q => q.DocId == s.DocId && q.Start < s.End && s.Start < q.End)))
            {
                quoted.Add(span);
                builder.AddQuote(article, span);
            }

            builder.EndParagraph();
        }

        return builder.Build(noAnswer: false);
    }

    /// <summary>Both sides of the debate from the articles' claims, the claims closest to the question's topic first.</summary>
    private Answer Sides(QuestionAnalysis question, IReadOnlyList<RetrievalHit> hits)
    {
        var language = question.Language;
        var labels = AnswerLabels.For(language);
        var builder = new AnswerBuilder(question, labels.SidesIntro);
        var claims = catalog.Articles.SelectMany(a => a.Claims.Select(c => (Article: a, Claim: c))).ToList();
        var topical = question.Plan.Units.Any(u => u.IsSpecificSubject);
        foreach (var (stance, title) in new[] { (Stance.Bubble, labels.BubbleSide), (Stance.NotBubble, labels.NotBubbleSide), (Stance.Mixed, labels.MixedSide) })
        {
            var side = claims.Where(c => c.Claim.Stance == stance).ToList();
            if (side.Count == 0 && stance == Stance.Mixed)
            {
                continue;
            }

            builder.AddHeading(title);
            if (side.Count == 0)
            {
                builder.AddLine(labels.NoArticleOnSide);
                continue;
            }

            // One claim per article first, so that every article arguing a side is heard.
            // The sort is stable: claims equally close to the topic keep the catalog's order.
            var ordered = side
                .OrderByDescending(c => topical ? question.CoverageOf(c.Claim.Quote) : 0)
                .ToList();
            var chosen = ordered.DistinctBy(c => c.Article.Id).Concat(ordered).Distinct().Take(ClaimsPerSide).ToList();
            foreach (var (article, claim) in chosen)
            {
                builder.AddQuote(article, new QuoteSpan(article.Id, claim.Start, claim.Start + claim.Quote.Length, SpeakerAt(article, claim.Start)), stance);
            }

            var arguedBy = side.Select(c => Quotes.DisplayTitle(c.Article, language)).Distinct();
            builder.AddLine(string.Format(CultureInfo.InvariantCulture, labels.ArguedBy, string.Join(language == AnswerLanguage.English ? "; " : "；", arguedBy)));
            builder.EndParagraph();
        }

        return builder.Build(noAnswer: false);
    }

    /// <summary>An article the question names, in a few of its own key sentences: its claims, else its best passages.</summary>
    private Answer? Gist(QuestionAnalysis question, IReadOnlyList<RetrievalHit> hits)
    {
        var article = catalog.Find(question.NamedArticleIds[0]);
        if (article is null)
        {
            return null;
        }

        var language = question.Language;
        var builder = new AnswerBuilder(question, string.Format(CultureInfo.InvariantCulture, AnswerLabels.For(language).GistIntro, Quotes.DisplayTitle(article, language)));
        if (article.Claims.Count > 0)
        {
            foreach (var claim in article.Claims.OrderBy(c => c.Start).Take(MaxSources + 1))
            {
                builder.AddQuote(article, new QuoteSpan(article.Id, claim.Start, claim.Start + claim.Quote.Length, SpeakerAt(article, claim.Start)), claim.Stance);
            }

            return builder.Build(noAnswer: false);
        }

        return hits.Count == 0 ? null : Compose(question, SelectPassages(ByAnswer(question, hits)));
    }

    private string? SpeakerAt(Article article, int offset) =>
        chunks.ChunksOf(article.Id).FirstOrDefault(c => c.Start <= offset && offset < c.End)?.Speaker;

    /// <summary>
    /// The transcript speaker whose reply the question asks for: the one named last ("陆飞说……，索隆是怎么调侃他的？" asks
    /// for 索隆's), or, for a question about a reply that names nobody, the next speaker.
    /// </summary>
    private string? ReplyBy(QuestionAnalysis question, Chunk chunk)
    {
        if (chunk.Speaker is null)
        {
            return null;
        }

        // The speaker named last, unless that is who speaks here and someone else is named: in "索隆笑陆飞从早用到晚，
        // 他笑陆飞当GPT是什么？" the passage is 陆飞's turn and the reply asked for is 索隆's.
        var named = chunks.ChunksOf(chunk.DocId)
            .Select(c => c.Speaker)
            .OfType<string>()
            .Distinct()
            .Select(s => (Speaker: s, At: WhereNamed(question, s)))
            .Where(s => s.At >= 0)
            .OrderByDescending(s => s.At)
            .Select(s => s.Speaker)
            .ToList();
        var replier = named.Count > 1 && named[0] == chunk.Speaker ? named[1] : named.FirstOrDefault();
        var asksForAReply = question.AnswerType.HasFlag(AnswerType.Reply);

        // "Who pushed back?" names nobody, and "Roney said brains and AI aren't that different, who pushed back?" names
        // only the speaker of the passage: the reply is the next turn by someone else.
        if (replier is not null && !(asksForAReply && replier == chunk.Speaker))
        {
            return replier;
        }

        return asksForAReply ? Following(chunk).FirstOrDefault(c => c.Speaker != chunk.Speaker)?.Speaker : null;
    }

    /// <summary>Where the question last names <paramref name="speaker"/> (typos corrected), or -1.</summary>
    private static int WhereNamed(QuestionAnalysis question, string speaker) =>
        question.Normalized.LastIndexOf(ScriptFolder.Fold(speaker).ToLowerInvariant(), StringComparison.Ordinal);

    /// <summary>
    /// What may continue <paramref name="chunk"/>: in a transcript the turns after it, those that may answer it and two
    /// more where a named speaker who asked back gives their reaction; in prose the next passage under the same heading,
    /// whose opening may give the reason the passage leads up to.
    /// </summary>
    private IReadOnlyList<Chunk> Following(Chunk chunk)
    {
        var after = chunks.ChunksOf(chunk.DocId).Skip(chunk.Index + 1);
        return chunk.Speaker is null
            ? [.. after.Take(1).Where(next => next.Speaker is null && next.Heading == chunk.Heading)]
            : [.. after.Take(RelevanceJudge.ReplyTurns + 2)];
    }

    /// <summary>Builds the answer text and its numbered citations, one quote per line.</summary>
    private sealed class AnswerBuilder(QuestionAnalysis question, string intro)
    {
        private readonly List<string> _paragraphs = [intro];
        private readonly List<string> _lines = [];
        private readonly List<Citation> _citations = [];
        private readonly HashSet<string> _shown = new(StringComparer.Ordinal);

        public void AddQuote(Article article, QuoteSpan span, Stance? stance = null)
        {
            var (quote, cut) = Quotes.Display(article.Body, span);
            if (quote.Length == 0 || !_shown.Add(ScriptFolder.Fold(quote)))
            {
                return;
            }

            var n = _citations.Count + 1;
            _citations.Add(Quotes.Cite(n, article, quote, question.Language, stance));
            _lines.Add(Quotes.Line(span.Speaker, quote, cut, n, question.Language));
        }

        public void AddHeading(string heading) => _lines.Add(heading + (question.Language == AnswerLanguage.English ? ":" : "："));

        public void AddLine(string line) => _lines.Add(line);

        public void EndParagraph()
        {
            if (_lines.Count > 0)
            {
                _paragraphs.Add(string.Join('\n', _lines));
                _lines.Clear();
            }
        }

        public Answer Build(bool noAnswer)
        {
            EndParagraph();
            return new Answer(question.Text, string.Join("\n\n", _paragraphs), noAnswer, _citations, question.Language);
        }
    }
}
