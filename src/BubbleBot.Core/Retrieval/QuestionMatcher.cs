using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// Turns questions into query plans and texts into term sets, with the same analysis as the index, so that the
/// retriever and the answer layer judge "how much of the question does this passage or sentence cover" alike.
/// </summary>
public sealed class QuestionMatcher
{
    private readonly CorpusIndex _index;
    private readonly QueryPlanner _planner;

    public QuestionMatcher(CorpusIndex index, QueryVocabulary vocabulary, IOptions<RetrievalOptions> options)
    {
        _index = index;
        _planner = new QueryPlanner(index.Analyzer, vocabulary, index.DocumentFrequency, index.Chunks.Count);
        MinCoverage = options.Value.MinCoverage;
    }

    public double MinCoverage { get; }

    internal QueryPlan Plan(string question) => _planner.Plan(question);

    /// <summary>For each candidate document, the plan's terms it holds (text, metadata, or the character itself).</summary>
    internal HashSet<string>[] TermsPresent(QueryPlan plan, IReadOnlyList<int> documents) =>
        _index.TermsPresent(plan.Terms, documents);

    internal HashSet<string> TermsOfText(string text) => _index.TermsOfText(text);
}
