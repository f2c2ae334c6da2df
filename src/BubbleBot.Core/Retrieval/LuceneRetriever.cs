using Microsoft.Extensions.Logging;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// BM25 over bigrams and words (Lucene), re-ranked by how much of the question each passage covers.
/// Passages below the relevance floor are dropped, so an empty result means "the corpus does not cover this".
/// </summary>
public sealed partial class LuceneRetriever : IRetriever
{
    /// <summary>How many BM25 candidates are re-ranked by coverage.</summary>
    internal const int CandidatePool = 24;

    private readonly CorpusIndex _index;
    private readonly QuestionMatcher _matcher;
    private readonly ILogger<LuceneRetriever> _logger;

    public LuceneRetriever(CorpusIndex index, QuestionMatcher matcher, ILogger<LuceneRetriever> logger)
    {
        _index = index;
        _matcher = matcher;
        _logger = logger;
    }

    public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(string question, int top, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Retrieve(question, top));
    }

    public IReadOnlyList<RetrievalHit> Retrieve(string question, int top)
    {
        var plan = _matcher.Plan(question);
        if (plan.Units.Count == 0)
        {
            return [];
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Units(_logger, string.Join(" ", plan.Units.Select(u => $"{u.Label}×{u.Weight:0.00}[{string.Join("|", u.Alternatives.Select(a => string.Join("+", a.Terms)))}]")));
        }

        var found = _index.Searcher.Search(plan.Query, Math.Max(top, CandidatePool)).ScoreDocs;
        if (found.Length == 0)
        {
            return [];
        }

        var best = found[0].Score;
        var present = _matcher.TermsPresent(plan, [.. found.Select(f => f.Doc)]);
        var candidates = new List<RetrievalHit>(found.Length);
        var bestCoverage = 0.0;
        for (var i = 0; i < found.Length; i++)
        {
            var chunk = _index.ChunkOf(found[i].Doc);
            var coverage = plan.Coverage(present[i]);
            bestCoverage = Math.Max(bestCoverage, coverage);
            Log.Candidate(_logger, chunk.Id, found[i].Score, coverage);

            // Passages that match only a small part of the question are noise even when BM25 likes them.
            if (coverage < _matcher.MinCoverage)
            {
                continue;
            }

            candidates.Add(new RetrievalHit(chunk, found[i].Score / best * (0.25 + (0.75 * coverage))));
        }

        if (bestCoverage < _matcher.MinCoverage)
        {
            return [];
        }

        return [.. candidates.OrderByDescending(h => h.Score).Take(top)];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "Question units: {Units}")]
        public static partial void Units(ILogger logger, string units);

        [LoggerMessage(EventId = 121, Level = LogLevel.Debug, Message = "Candidate {ChunkId}: BM25 {Score:0.00}, coverage {Coverage:0.00}")]
        public static partial void Candidate(ILogger logger, string chunkId, float score, double coverage);
    }
}
