using Lucene.Net.Search;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// One meaningful part of a question (a Chinese character, an English word or phrase) and the index terms that
/// would show a passage contains it; any one alternative, all of its terms present, is enough.
/// </summary>
internal sealed record QueryUnit(string Label, double Weight, IReadOnlyList<string[]> Alternatives)
{
    public bool IsCoveredBy(IReadOnlySet<string> terms)
    {
        foreach (var alternative in Alternatives)
        {
            if (alternative.All(terms.Contains))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A question turned into a Lucene query plus the units used to judge how much of it a passage covers.</summary>
internal sealed record QueryPlan(Query Query, IReadOnlyList<QueryUnit> Units)
{
    /// <summary>Weighted share of the question's units found in <paramref name="terms"/>, from 0 to 1.</summary>
    public double Coverage(IReadOnlySet<string> terms)
    {
        double total = 0, covered = 0;
        foreach (var unit in Units)
        {
            total += unit.Weight;
            if (unit.IsCoveredBy(terms))
            {
                covered += unit.Weight;
            }
        }

        return total == 0 ? 0 : covered / total;
    }
}
