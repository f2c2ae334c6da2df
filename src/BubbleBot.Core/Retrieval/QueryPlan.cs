using Lucene.Net.Search;

namespace BubbleBot.Core.Retrieval;

/// <summary>Index terms that together show a passage contains a unit, and how sure that makes us (0–1).</summary>
internal sealed record Alternative(string[] Terms, double Credit = 1.0);

/// <summary>
/// One meaningful part of a question (a Chinese character, an English word or phrase) and the ways a passage can
/// show it contains it; the best alternative whose terms are all present decides the credit.
/// </summary>
internal sealed record QueryUnit(string Label, double Weight, IReadOnlyList<Alternative> Alternatives)
{
    public double CreditFrom(IReadOnlySet<string> terms)
    {
        var credit = 0.0;
        foreach (var alternative in Alternatives)
        {
            if (alternative.Credit > credit && alternative.Terms.All(terms.Contains))
            {
                credit = alternative.Credit;
            }
        }

        return credit;
    }
}

/// <summary>A question turned into a Lucene query plus the units used to judge how much of it a passage covers.</summary>
internal sealed record QueryPlan(Query Query, IReadOnlyList<QueryUnit> Units)
{
    /// <summary>Every index term any unit could be covered by.</summary>
    public IReadOnlyCollection<string> Terms { get; } = Units.SelectMany(u => u.Alternatives).SelectMany(a => a.Terms).ToHashSet(StringComparer.Ordinal);

    /// <summary>Weighted share of the question's units found in <paramref name="terms"/>, from 0 to 1.</summary>
    public double Coverage(IReadOnlySet<string> terms)
    {
        double total = 0, covered = 0;
        foreach (var unit in Units)
        {
            total += unit.Weight;
            covered += unit.Weight * unit.CreditFrom(terms);
        }

        return total == 0 ? 0 : covered / total;
    }
}
