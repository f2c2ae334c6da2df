using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Benchmarks;

/// <summary>
/// The baseline a simple in-memory store gives: every chunk tokenised once (same analyzer as the index) into a
/// sorted term-id list with frequencies, and every query scored by BM25 against ALL chunks, then re-ranked by the
/// same coverage rule as <see cref="LuceneRetriever"/> so both return comparable results.
/// </summary>
internal sealed class BruteForceRetriever
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const int CandidatePool = 40;

    private readonly IReadOnlyList<Chunk> _chunks;
    private readonly QuestionAnalyzer _analyzer;
    private readonly double _minCoverage;
    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly int[][] _terms;
    private readonly int[][] _frequencies;
    private readonly int[] _lengths;
    private readonly List<int> _documentFrequency = [];
    private readonly double _averageLength;

    public BruteForceRetriever(CorpusIndex index, QuestionAnalyzer analyzer, double minCoverage)
    {
        _chunks = index.Chunks;
        _analyzer = analyzer;
        _minCoverage = minCoverage;
        _terms = new int[_chunks.Count][];
        _frequencies = new int[_chunks.Count][];
        _lengths = new int[_chunks.Count];
        var counts = new Dictionary<int, int>();
        for (var c = 0; c < _chunks.Count; c++)
        {
            counts.Clear();
            var tokens = index.Analyzer.Analyze(ScriptFolder.Fold(_chunks[c].Text).ToLowerInvariant());
            foreach (var token in tokens)
            {
                if (!_termIds.TryGetValue(token.Term, out var id))
                {
                    id = _termIds.Count;
                    _termIds.Add(token.Term, id);
                    _documentFrequency.Add(0);
                }

                counts[id] = counts.GetValueOrDefault(id) + 1;
            }

            var ids = counts.Keys.ToArray();
            Array.Sort(ids);
            _terms[c] = ids;
            _frequencies[c] = [.. ids.Select(id => counts[id])];
            _lengths[c] = tokens.Count;
            foreach (var id in ids)
            {
                _documentFrequency[id]++;
            }
        }

        _averageLength = _lengths.Length == 0 ? 1 : Math.Max(1, _lengths.Average());
    }

    public int Terms => _termIds.Count;

    public IReadOnlyList<RetrievalHit> Retrieve(string question, int top)
    {
        var plan = _analyzer.Analyze(question).Plan;
        var query = new List<(int Id, double Idf)>();
        foreach (var term in plan.Units.SelectMany(u => u.Alternatives).SelectMany(a => a.Terms).Distinct())
        {
            if (_termIds.TryGetValue(term, out var id))
            {
                var df = _documentFrequency[id];
                query.Add((id, Math.Log(1 + ((_chunks.Count - df + 0.5) / (df + 0.5)))));
            }
        }

        if (query.Count == 0)
        {
            return [];
        }

        // Score every chunk; keep the best CandidatePool in a min-heap.
        var heap = new PriorityQueue<int, double>(CandidatePool + 1);
        for (var c = 0; c < _terms.Length; c++)
        {
            var terms = _terms[c];
            var score = 0.0;
            foreach (var (id, idf) in query)
            {
                var at = Array.BinarySearch(terms, id);
                if (at >= 0)
                {
                    double tf = _frequencies[c][at];
                    score += idf * tf * (K1 + 1) / (tf + (K1 * (1 - B + (B * _lengths[c] / _averageLength))));
                }
            }

            if (score <= 0)
            {
                continue;
            }

            if (heap.Count < CandidatePool)
            {
                heap.Enqueue(c, score);
            }
            else if (heap.TryPeek(out _, out var lowest) && score > lowest)
            {
                heap.DequeueEnqueue(c, score);
            }
        }

        var found = new List<(int Chunk, double Score)>();
        while (heap.TryDequeue(out var c, out var s))
        {
            found.Add((c, s));
        }

        if (found.Count == 0)
        {
            return [];
        }

        var best = found.Max(f => f.Score);
        var hits = new List<RetrievalHit>();
        var bestCoverage = 0.0;
        foreach (var (c, s) in found)
        {
            var coverage = plan.Coverage(plan.TermsOf(_chunks[c].Text), focusOnly: true);
            bestCoverage = Math.Max(bestCoverage, coverage);
            if (coverage >= _minCoverage)
            {
                hits.Add(new RetrievalHit(_chunks[c], s / best * (0.25 + (0.75 * coverage))));
            }
        }

        return bestCoverage < _minCoverage ? [] : [.. hits.OrderByDescending(h => h.Score).Take(top)];
    }
}
