using BubbleBot.Core.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// BM25 over bigrams and words (Lucene), limited to the articles a question names, re-ranked by how much of the
/// question each passage covers, then judged by <see cref="RelevanceJudge"/>.
/// </summary>
public sealed partial class LuceneRetriever : IRetriever
{
    /// <summary>How many BM25 candidates are re-ranked by coverage.</summary>
    internal const int CandidatePool = 24;

    /// <summary>
    /// Share of a candidate's score from BM25 (relative to the best); the rest is its coverage of the question, which
    /// weighs rare words the same however long the passage and however often it repeats a common one.
    /// </summary>
    internal const double BM25Share = 0.2;

    private readonly CorpusIndex _index;
    private readonly QuestionAnalyzer _analyzer;
    private readonly RelevanceJudge _judge;
    private readonly ILogger<LuceneRetriever> _logger;

    public LuceneRetriever(CorpusIndex index, QuestionAnalyzer analyzer, IOptions<RetrievalOptions> options, ILogger<LuceneRetriever> logger)
    {
        _index = index;
        _analyzer = analyzer;
        _judge = new RelevanceJudge(index, options.Value.MinCoverage);
        _logger = logger;
    }

    public Task<RetrievalResult> RetrieveAsync(RetrievalRequest request, int top, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Retrieve(request, top));
    }

    public RetrievalResult Retrieve(RetrievalRequest request, int top)
    {
        var analysis = _analyzer.Analyze(request.Question, request.PreviousQuestion);
        return Retrieve(request.BothSides && analysis.Intent != QuestionIntent.Injection ? analysis with { Intent = QuestionIntent.Sides } : analysis, top);
    }

    public RetrievalResult Retrieve(QuestionAnalysis question, int top)
    {
        var plan = question.Plan;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Units(_logger, question.Intent, question.AnswerType, string.Join(",", question.NamedArticleIds),
                string.Join(" ", plan.Units.Select(u => $"{u.Label}×{u.Weight:0.00}{(u.InCorpus ? string.Empty : "(absent)")}{(question.Measures.Contains(u) ? "(measure)" : string.Empty)}")));
        }

        var candidates = Candidates(question, Math.Max(top, CandidatePool));
        var verdict = _judge.Judge(question, candidates);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Verdict(_logger, verdict, candidates.Select(c => c.Coverage).DefaultIfEmpty(0).Max(), candidates.Select(c => c.Evidence).DefaultIfEmpty(0).Max());
        }
        var hits = verdict == RelevanceVerdict.Answerable ? Hits(question, candidates, top) : [];
        return new RetrievalResult(question, hits, verdict);
    }

    /// <summary>
    /// The passages covering enough of the question, best first; when the verdict rests on specific evidence rather
    /// than coverage (a question naming its source in its own words), the best-scoring passages.
    /// </summary>
    private List<RetrievalHit> Hits(QuestionAnalysis question, List<Candidate> candidates, int top)
    {
        var everyPassage = question.AsksOnlyAboutTheArticle || question.Intent == QuestionIntent.Sides;
        var covering = candidates.Where(c => everyPassage || _judge.Covers(question, c)).ToList();
        return [.. (covering.Count > 0 ? covering : candidates).OrderByDescending(c => c.Score).Take(top).Select(c => new RetrievalHit(c.Chunk, c.Score))];
    }

    /// <summary>Added to the score of a passage in the part of its article the question asks about ("直播尾段").</summary>
    private const double PartBonus = 0.3;

    /// <summary>The opening or the ending of an article: this share of its passages, and at least two.</summary>
    private const double PartShare = 0.15;

    private bool InPartAskedAbout(QuestionAnalysis question, Chunk chunk)
    {
        if (question.Part == ArticlePart.Anywhere)
        {
            return false;
        }

        var count = _index.ChunksOf(chunk.DocId).Count;
        var span = Math.Max(2, (int)Math.Ceiling(count * PartShare));
        return question.Part == ArticlePart.Opening ? chunk.Index < span : chunk.Index >= count - span;
    }

    private List<Candidate> Candidates(QuestionAnalysis question, int count)
    {
        var plan = question.Plan;
        Query query = plan.Query;
        if (question.NamedArticleIds.Count > 0)
        {
            var articles = new BooleanQuery();
            foreach (var id in question.NamedArticleIds)
            {
                articles.Add(new TermQuery(new Term(IndexFields.Article, id)), Occur.SHOULD);
            }

            // The named articles' passages all qualify; the question's words only order them.
            query = new BooleanQuery { { articles, Occur.MUST }, { plan.Query, Occur.SHOULD } };
        }

        var found = _index.Searcher.Search(query, count).ScoreDocs;
        if (found.Length == 0)
        {
            return [];
        }

        var best = Math.Max(found[0].Score, float.Epsilon);
        var present = _index.TermsPresent(plan.Terms, [.. found.Select(f => f.Doc)]);
        var candidates = new List<Candidate>(found.Length);
        for (var i = 0; i < found.Length; i++)
        {
            var chunk = _index.ChunkOf(found[i].Doc);
            var coverage = plan.Coverage(present[i], focusOnly: true);
            var evidence = plan.Evidence(present[i]);
            Log.Candidate(_logger, chunk.Id, found[i].Score, coverage, evidence);
            var score = (BM25Share * found[i].Score / best) + ((1 - BM25Share) * plan.Coverage(present[i])) + (InPartAskedAbout(question, chunk) ? PartBonus : 0);
            candidates.Add(new Candidate(chunk, score, coverage, evidence)
            {
                SubjectEvidence = plan.Evidence(present[i], subjectsOnly: true),
            });
        }

        return candidates;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "Question: intent {Intent}, answer type {AnswerType}, named articles [{Named}], units {Units}")]
        public static partial void Units(ILogger logger, QuestionIntent intent, AnswerType answerType, string named, string units);

        [LoggerMessage(EventId = 122, Level = LogLevel.Debug, Message = "Verdict {Verdict}: best coverage {Coverage:0.00}, best evidence {Evidence:0.00}")]
        public static partial void Verdict(ILogger logger, RelevanceVerdict verdict, double coverage, double evidence);

        [LoggerMessage(EventId = 121, Level = LogLevel.Debug, Message = "Candidate {ChunkId}: BM25 {Score:0.00}, coverage {Coverage:0.00}, evidence {Evidence:0.00}")]
        public static partial void Candidate(ILogger logger, string chunkId, float score, double coverage, double evidence);
    }
}

/// <summary>A passage BM25 found, with its combined score, its coverage of the question and its specific evidence.</summary>
internal sealed record Candidate(Chunk Chunk, double Score, double Coverage, double Evidence)
{
    /// <summary>
    /// The evidence of the question's specific nouns and names alone, in its own words or sure renderings: two of them
    /// in one passage say what it is about.
    /// </summary>
    public double SubjectEvidence { get; init; }
}

/// <summary>
/// Decides from several signals whether the articles answer a question: the share of its content the best passage
/// covers (rarer words weigh more), whether that includes at least one specific word (not only the debate's common
/// words or one ambiguous rendering), whether its named subject occurs in the corpus at all (and, when only once,
/// whether what is asked of it is said there), and, for a question that asks for a figure, a date or a span of time,
/// whether the passages about it hold one.
/// </summary>
internal sealed class RelevanceJudge(CorpusIndex index, double minCoverage)
{
    /// <summary>At least one specific word of the question fully present (see <see cref="QueryPlan.Evidence"/>).</summary>
    public const double MinEvidence = 0.7;

    /// <summary>More than one specific word of the question in one passage (see <see cref="QueryPlan.Evidence"/>).</summary>
    public const double StrongEvidence = 1.3;

    /// <summary>
    /// A passage covering this much of the question is about it even when none of its specific words is fully there: a
    /// casual question in everyday words, each rendered or matched only in part, that together meet in one passage.
    /// </summary>
    public const double CoverageWithoutEvidence = 0.8;

    /// <summary>
    /// <see cref="CoverageWithoutEvidence"/> for an English question. Its words reach the Chinese articles through
    /// dictionary renderings, each only partly sure ("buying" → 收购 among a dozen), so a specific word is seldom fully
    /// present even in the passage that answers; covering this much of the question in one passage shows it instead.
    /// </summary>
    public const double EnglishCoverageWithoutEvidence = 0.58;

    /// <summary>The coverage a passage with <see cref="StrongEvidence"/> needs.</summary>
    public const double MinCoverageWithStrongEvidence = 0.2;

    /// <summary>A question about a name the articles never mention is answered only if its other content is almost all there.</summary>
    public const double CoverageDespiteAbsentName = 0.75;

    /// <summary>
    /// A question that names its source ("the MIT piece", "那个直播") is about that source, so a passage of it covering
    /// this much of the question, or holding one of its specific words, answers it even in the asker's own words.
    /// </summary>
    public const double NamedArticleMinCoverage = 0.1;

    /// <summary>Share of the question a sentence holding the figure (with the sentence before it) must cover.</summary>
    public const double MinAnswerSentenceCoverage = 0.3;

    /// <summary>
    /// A passage with the figure or date asked for is considered at this share of the coverage floor: the turn saying
    /// "他光每天就要烧掉70万美金" does not repeat "OpenAI".
    /// </summary>
    public const double FigurePassageFloorShare = 0.75;

    /// <summary>Share (by weight) of the debate's common words asked of a once-mentioned name that must be within a sentence of it.</summary>
    public const double MinAskedShareNearName = 0.5;

    /// <summary>Transcript turns after a question turn that may hold its answer.</summary>
    public const int ReplyTurns = 3;

    public RelevanceVerdict Judge(QuestionAnalysis question, IReadOnlyList<Candidate> candidates)
    {
        if (question.Intent == QuestionIntent.Injection)
        {
            return RelevanceVerdict.Injection;
        }

        // The articles were written on a day of their own: today's share price or next month's is not in them.
        if (question.AsksAboutALaterDay && (question.AnswerType == AnswerType.Unknown || (question.AnswerType & (AnswerType.Amount | AnswerType.Time | AnswerType.Duration | AnswerType.YesNo)) != 0))
        {
            return RelevanceVerdict.NotCovered;
        }

        if (question.Intent == QuestionIntent.Sides || question.AsksOnlyAboutTheArticle)
        {
            // "比特币算泡沫吗？正反两方怎么看？" asks for sides of a debate the articles do not have.
            return question.Intent != QuestionIntent.Sides ? RelevanceVerdict.Answerable
                : question.AbsentSubjects.Count > 0 && !question.Plan.Units.Any(u => u.IsName && u.InCorpus) ? RelevanceVerdict.AbsentSubject
                : !NameMeetsWhatIsAsked(question, candidates.Where(c => Covers(question, c))) ? RelevanceVerdict.NotCovered
                : RelevanceVerdict.Answerable;
        }

        var best = candidates.OrderByDescending(c => c.Coverage).FirstOrDefault();
        if (best is null || question.Plan.Units.Count == 0)
        {
            return question.AbsentSubjects.Count > 0 ? RelevanceVerdict.AbsentSubject : RelevanceVerdict.NotCovered;
        }

        // Beside a name the articles discuss, an absent one is a detail ("OpenAI 同 Google 比，點解易爆煲?"); the answer
        // says it is not mentioned and quotes what is.
        if (question.AbsentSubjects.Count > 0 && best.Coverage < CoverageDespiteAbsentName && !question.Plan.NamesPresent(question.Plan.TermsOf(best.Chunk.Text)))
        {
            return RelevanceVerdict.AbsentSubject;
        }

        // A question made only of the debate's common words ("为什么有人说AI是泡沫？") is about the debate itself;
        // one with a specific word must find it.
        var asksSomethingSpecific = question.Plan.Units.Any(u => u.IsSpecific);
        // A question about an author the article never mentions ("Tony Lee 係邊度人？") is held to what any question is.
        var namesItsSource = question.NamedArticleIds.Count > 0 && !question.AsksAboutItsAuthor
            && (best.Coverage >= CoverageFloor(question) || candidates.Max(c => c.Evidence) >= MinEvidence);
        // A long casual question dilutes coverage with the asker's own words; two of its specific words in one passage
        // still show that passage is about it.
        var stronglyEvidenced = candidates.Any(StronglyEvidenced);
        if (!namesItsSource && !stronglyEvidenced && (best.Coverage < CoverageFloor(question) || asksSomethingSpecific && candidates.Max(c => c.Evidence) < MinEvidence && best.Coverage < CoverageNeededWithoutEvidence(question)))
        {
            return question.AbsentSubjects.Count > 0 ? RelevanceVerdict.AbsentSubject : RelevanceVerdict.NotCovered;
        }

        if (AnswerShapes.IsRequired(question.AnswerType) && !HoldsRequiredAnswer(question, candidates))
        {
            return RelevanceVerdict.NoAnswerOfThatKind;
        }

        if (question.NamedArticleIds.Count == 0 && !NameMeetsWhatIsAsked(question, candidates.Where(c => Covers(question, c))))
        {
            return RelevanceVerdict.NotCovered;
        }

        return RelevanceVerdict.Answerable;
    }

    /// <summary>
    /// A question made of a name the articles mention in one passage only and the debate's common words ("比特币是泡沫
    /// 吗？") asks where that name stands in the debate. It is answered only where the two meet, within a sentence of
    /// each other, most of the common words (by weight) with the name: the livestream's one mention of mining Bitcoin
    /// says nothing about a Bitcoin bubble. A name the articles discuss in several passages is their subject, and a
    /// specific word asked of a name is found by coverage like any other.
    /// </summary>
    private bool NameMeetsWhatIsAsked(QuestionAnalysis question, IEnumerable<Candidate> covering)
    {
        var plan = question.Plan;
        // "AI" is a name, but one of the whole debate: it is part of what is asked, not the subject.
        var names = plan.Units.Where(u => u.IsName && u.InCorpus && u.Specificity >= QueryPlan.SpecificThreshold).ToList();
        if (names.Count != 1 || !MentionedInOnePassage(names[0]))
        {
            return true;
        }

        // Lone characters ("币" of 比特币) say too little to count either way. A specific word asked of the name
        // ("最大的IPO募资多少") is found by coverage like any other.
        var asked = plan.Units.Where(u => !names.Contains(u) && u.InCorpus && u.IsSubject && !u.IsSingleCharacter).ToList();
        if (asked.Count == 0 || asked.Any(u => u.Specificity >= QueryPlan.SpecificThreshold))
        {
            return true;
        }

        foreach (var candidate in covering)
        {
            var text = candidate.Chunk.Text;
            var sentences = Sentences.Split(text, 0, text.Length);
            for (var i = 0; i < sentences.Count; i++)
            {
                var window = text[sentences[Math.Max(0, i - 1)].Start..sentences[Math.Min(sentences.Count - 1, i + 1)].End];
                var terms = plan.TermsOf(window);
                if (names[0].CreditFrom(terms) > 0 && asked.Sum(u => u.Weight * u.CreditFrom(terms)) >= MinAskedShareNearName * asked.Sum(u => u.Weight))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> is about enough of the question to be quoted: it covers the floor, holds two
    /// of its specific words, or holds the figure asked for near the floor.
    /// </summary>
    public bool Covers(QuestionAnalysis question, Candidate candidate)
    {
        var floor = CoverageFloor(question);
        return candidate.Coverage >= floor || StronglyEvidenced(candidate)
            || candidate.Coverage >= floor * FigurePassageFloorShare && AnswerShapes.IsRequired(question.AnswerType)
                && AnswerShapes.HasRequired(candidate.Chunk.Text, question.AnswerType);
    }

    private static bool StronglyEvidenced(Candidate candidate) =>
        candidate.SubjectEvidence >= StrongEvidence && candidate.Coverage >= MinCoverageWithStrongEvidence;

    private static double CoverageNeededWithoutEvidence(QuestionAnalysis question) =>
        question.Language == AnswerLanguage.English ? EnglishCoverageWithoutEvidence : CoverageWithoutEvidence;

    /// <summary>The coverage a passage needs to be quoted for <paramref name="question"/>.</summary>
    public double CoverageFloor(QuestionAnalysis question) =>
        question.NamedArticleIds.Count > 0 && !question.AsksAboutItsAuthor ? Math.Min(NamedArticleMinCoverage, minCoverage) : minCoverage;

    private bool MentionedInOnePassage(QueryUnit name) =>
        name.Alternatives.Where(a => a.Terms.All(t => index.DocumentFrequency(t) > 0)).All(a => a.Terms.Min(index.DocumentFrequency) <= 1);

    /// <summary>
    /// A figure or date in a sentence that is about the question: that sentence with the one before it covers
    /// <see cref="MinAnswerSentenceCoverage"/> of the question. A figure elsewhere in the passage (the articles are full
    /// of numbers) does not answer "what was xAI's last valuation?". In a transcript, a passage that ends by asking
    /// is answered by the turn after it, so its figures count for the question the asking passage covers.
    /// </summary>
    private bool HoldsRequiredAnswer(QuestionAnalysis question, IReadOnlyList<Candidate> candidates)
    {
        var plan = question.Plan;
        var asksAboutNames = plan.Units.Any(u => u.InFocus && u.IsName && u.InCorpus);
        foreach (var candidate in candidates.Where(c => c.Coverage >= CoverageFloor(question) * FigurePassageFloorShare))
        {
            var text = candidate.Chunk.Text;
            var terms = plan.TermsOf(text);
            // A passage under "OpenAI 最近嘅聲明" quoting "我哋" is about OpenAI. Elsewhere in an article the subject is
            // named beside its figure: the chart passage that names OpenAI gives Amazon's and Tesla's losses. A speaker's
            // turn says "他" for the subject it named a sentence or two before.
            var namedByHeading = candidate.Chunk.Heading is { } heading && plan.NamesPresent(plan.TermsOf(heading));
            var namesInPassage = plan.NamesPresent(terms) || namedByHeading;
            bool NamesNear(IReadOnlySet<string> near) => candidate.Chunk.Speaker is not null ? namesInPassage : namedByHeading || plan.NamesPresent(near);
            // An asker who names the source vouches that it holds the figure; only its wording may differ. Otherwise
            // the figure must be about the named subject ("how much did Anthropic raise?" is not answered by OpenAI's
            // round), about what is asked of it and beside what the question counts.
            bool AboutWhatIsAsked(IReadOnlySet<string> near) =>
                (question.NamedArticleIds.Count > 0 || (!asksAboutNames || NamesNear(near)) && plan.MentionsWhatIsAsked(near))
                && question.HoldsAMeasure(near);

            var sentences = Sentences.Split(text, 0, text.Length);
            for (var i = 0; i < sentences.Count; i++)
            {
                var sentence = text[sentences[i]];
                if (!AnswerShapes.HasRequired(sentence, question.AnswerType))
                {
                    continue;
                }

                var window = plan.TermsOf(i > 0 ? text[sentences[i - 1]] + sentence : sentence);
                if (plan.Coverage(window, focusOnly: true) >= MinAnswerSentenceCoverage && AboutWhatIsAsked(window))
                {
                    return true;
                }
            }

            // The reply to a question turn may come a turn or two later ("不知道，多少钱？" — "一天要烧掉70万美金。"), if
            // the turn asks about the subject and what is asked of it.
            var asks = Sentences.IsQuestion(text);
            if (asks && candidate.Chunk.Speaker is not null && AboutWhatIsAsked(terms)
                && index.ChunksOf(candidate.Chunk.DocId).Skip(candidate.Chunk.Index + 1).Take(ReplyTurns).Any(c => AnswerShapes.HasRequired(c.Text, question.AnswerType)))
            {
                return true;
            }
        }

        return false;
    }
}
