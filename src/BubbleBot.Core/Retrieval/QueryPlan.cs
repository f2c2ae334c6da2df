using Lucene.Net.Search;

namespace BubbleBot.Core.Retrieval;

/// <summary>Index terms that together show a passage contains a unit, and how sure that makes us (0–1).</summary>
internal sealed record Alternative(string[] Terms, double Credit = 1.0)
{
    /// <summary>
    /// A Chinese word of three or more characters whose bigrams are mostly present (a typo, "扎克伯克" for "扎克伯格")
    /// earns part of its credit; a shorter word or an English term needs all its terms.
    /// </summary>
    public bool AllowsPartial { get; init; }

    /// <summary>Two of three bigrams: one letter wrong in a name, not half of another word.</summary>
    public const double MinPartialShare = 0.66;

    public double CreditFrom(IReadOnlySet<string> present)
    {
        var found = 0;
        foreach (var term in Terms)
        {
            if (present.Contains(term))
            {
                found++;
            }
        }

        if (found == Terms.Length)
        {
            return Credit;
        }

        var share = (double)found / Terms.Length;
        return AllowsPartial && share >= MinPartialShare ? Credit * share * 0.8 : 0;
    }
}

/// <summary>
/// One meaningful part of a question (a Chinese word, an English word or phrase) and the ways a passage can show it
/// contains it; the best alternative decides the credit.
/// </summary>
/// <param name="Specificity">From about 0.3 for a word in nearly every passage ("AI", "泡沫") to 1 for a rare one.</param>
/// <param name="IsName">A person, place, organisation or product: the question's subject.</param>
/// <param name="InCorpus">False when no alternative occurs anywhere in the articles.</param>
/// <param name="InFocus">Part of the sentence that asks, not of the context before it.</param>
/// <param name="IsSubject">A noun, name, figure or English term: something a question can be about (not a verb like "不吃").</param>
internal sealed record QueryUnit(string Label, double Weight, IReadOnlyList<Alternative> Alternatives, double Specificity, bool IsName, bool InCorpus, bool InFocus = true, bool IsSubject = true)
{
    /// <summary>An alias by which the question names its article, counted only because the article's text mentions it.</summary>
    public bool IsAlias { get; init; }

    /// <summary>"今年", "上年", "this year": a time relative to now, which dates what is asked and is neither its subject nor specific.</summary>
    public bool IsRelativeTime { get; init; }

    /// <summary>A word of the language's dictionary, not a run the segmenter guessed ("图里" from "那张图里").</summary>
    public bool IsKnownWord { get; init; } = true;

    /// <summary>A lone Chinese character, matched as itself.</summary>
    public bool IsSingleCharacter => Alternatives.All(a => a.Terms.All(t => t.StartsWith(CorpusIndex.UnigramPrefix, StringComparison.Ordinal)));

    /// <summary>A specific word of the question: rare in the corpus, or a name it lacks (not the asker's own wording).</summary>
    public bool IsSpecific => InFocus && !IsRelativeTime && Specificity >= QueryPlan.SpecificThreshold && (InCorpus || IsName);

    /// <summary>A specific subject the question is about, which a passage must contain to answer it.</summary>
    public bool IsSpecificSubject => IsSpecific && IsSubject;

    public double CreditFrom(IReadOnlySet<string> terms) => CreditFrom(terms, minCredit: 0);

    /// <summary>
    /// The credit <paramref name="terms"/> give as evidence: a guess at a rendering ("copilot" → 副驾驶 → 驾驶) helps a
    /// passage rank but does not show it is about the question.
    /// </summary>
    public double EvidenceFrom(IReadOnlySet<string> terms, bool strong = false) => CreditFrom(terms, strong ? MinStrongEvidenceCredit : MinEvidenceCredit);

    /// <summary>Alternatives credited less than this (indirect renderings) are not evidence.</summary>
    private const double MinEvidenceCredit = 0.5;

    /// <summary>
    /// Strong evidence, which answers below the coverage floor, takes the question's own words, the vocabulary's and the
    /// synonyms' renderings: three everyday English words a general dictionary renders ("time", "game", "start") are not.
    /// </summary>
    private const double MinStrongEvidenceCredit = 0.8;

    private double CreditFrom(IReadOnlySet<string> terms, double minCredit)
    {
        var credit = 0.0;
        foreach (var alternative in Alternatives)
        {
            if (alternative.Credit >= minCredit)
            {
                credit = Math.Max(credit, alternative.CreditFrom(terms));
            }
        }

        return credit;
    }
}

/// <summary>A question turned into a Lucene query plus the units used to judge how much of it a passage covers.</summary>
internal sealed record QueryPlan(Query Query, IReadOnlyList<QueryUnit> Units, Func<string, IReadOnlySet<string>> TermsOf)
{
    /// <summary>A unit at least this specific is evidence of a subject; below it, a word of the whole debate.</summary>
    public const double SpecificThreshold = 0.55;

    public static QueryPlan Empty { get; } = new(new BooleanQuery(), [], _ => new HashSet<string>());

    /// <summary>Every index term any unit could be covered by.</summary>
    public IReadOnlyCollection<string> Terms { get; } = Units.SelectMany(u => u.Alternatives).SelectMany(a => a.Terms).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Weighted share of the question's units found in <paramref name="terms"/>, from 0 to 1. With
    /// <paramref name="focusOnly"/>, only the units of the sentence that asks count: context sentences help rank
    /// passages but do not decide whether the question is answered.
    /// </summary>
    public double Coverage(IReadOnlySet<string> terms, bool focusOnly = false)
    {
        double total = 0, covered = 0;
        foreach (var unit in Units)
        {
            if (focusOnly && !unit.InFocus)
            {
                continue;
            }

            total += unit.Weight;
            covered += unit.Weight * unit.CreditFrom(terms);
        }

        // A focus with no content of its own ("是什么问题？") leaves the context sentences to say what is asked.
        return total == 0 ? focusOnly ? Coverage(terms) : 0 : covered / total;
    }

    /// <summary>
    /// True when <paramref name="terms"/> hold something the question asks about besides its names: for "英伟达的净利润
    /// 是多少？" a sentence about Nvidia with a figure in it answers only if it is about net profit.
    /// </summary>
    public bool MentionsWhatIsAsked(IReadOnlySet<string> terms)
    {
        var asked = Units.Where(u => u.InFocus && !u.IsName && u.InCorpus && u.IsSubject && !u.IsSingleCharacter && u.Specificity >= AttributeSpecificity).ToList();
        if (asked.Any(u => u.CreditFrom(terms) > 0))
        {
            return true;
        }

        // An absent verb is the asker's wording ("烧光" for "耗尽"); an absent noun ("净利润") is what the articles lack.
        return asked.Count == 0 && !Units.Any(u => u.InFocus && !u.IsName && !u.InCorpus && u.IsSubject && u.IsKnownWord);
    }

    /// <summary>True when <paramref name="terms"/> hold one of the names the question asks about that the articles do mention.</summary>
    public bool NamesPresent(IReadOnlySet<string> terms) =>
        Units.Any(u => u.InFocus && u.IsName && u.InCorpus && u.EvidenceFrom(terms, strong: true) >= MinNameCredit);

    /// <summary>A name counts as present in its own spelling or a synonym's (华顿 for 沃顿), not from part of its characters.</summary>
    private const double MinNameCredit = 0.8;

    /// <summary>
    /// Below this a word is one of the whole debate's ("AI", "泡沫") or a lone character, not what a question asks about.
    /// </summary>
    public const double AttributeSpecificity = 0.45;

    private const double NonSubjectEvidence = 0.5;

    /// <summary>
    /// The specific content <paramref name="terms"/> show, in units (1 = one specific word fully present): a passage
    /// that shares only the debate's common words with a question, or one ambiguous dictionary rendering, is not
    /// evidence that it answers it.
    /// </summary>
    /// <param name="subjectsOnly">Count only nouns and names (what a passage is about, not what it says of it) and only
    /// renderings sure enough for strong evidence.</param>
    public double Evidence(IReadOnlySet<string> terms, bool subjectsOnly = false)
    {
        var evidence = 0.0;
        foreach (var unit in Units)
        {
            // A specific subject of the context sentences counts at their reduced weight: "that Wharton survey … how
            // many bosses did they ask?" is about the survey.
            // A specific verb or adjective ("离婚", "痛苦") is half the evidence a specific noun is: two of them show
            // what a passage is about, one alone ("返工") does not.
            if (unit.InCorpus && unit.Specificity >= SpecificThreshold && (unit.IsSubject || !subjectsOnly))
            {
                evidence += unit.EvidenceFrom(terms, strong: subjectsOnly) * Math.Min(1, unit.Weight / unit.Specificity) * (unit.IsSubject ? 1 : NonSubjectEvidence);
            }
        }

        return evidence;
    }
}
