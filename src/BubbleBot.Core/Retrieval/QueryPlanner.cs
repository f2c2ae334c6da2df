using System.Text.RegularExpressions;
using BubbleBot.Core.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// Turns a question in any of the supported languages into a BM25 query over bigrams and words, expanding
/// English words with their Chinese renderings that actually occur in the corpus.
/// </summary>
internal sealed partial class QueryPlanner(BubbleAnalyzer analyzer, QueryVocabulary vocabulary, Func<string, int> documentFrequency, int documentCount)
{
    public const string TextField = "text";
    public const string MetaField = "meta";

    /// <summary>Prefix of single-character terms, used only to judge coverage where no bigram of the question exists in the corpus.</summary>
    public const string UnigramPrefix = "u:";

    private const double EnglishWordWeight = 2;
    private const int MaxDictionaryRenderings = 4;
    private const double DictionaryCredit = 0.5;

    [GeneratedRegex(@"[a-z0-9]+(?:[.'\-][a-z0-9]+)*")]
    private static partial Regex LatinWord();

    public QueryPlan Plan(string question)
    {
        var folded = ScriptFolder.Fold(question).ToLowerInvariant();
        var query = new BooleanQuery();
        var units = new List<QueryUnit>();
        AddLatinUnits(folded, query, units);
        AddHanUnits(folded, query, units);
        return new QueryPlan(query, units);
    }

    private void AddLatinUnits(string folded, BooleanQuery query, List<QueryUnit> units)
    {
        var words = LatinWord().Matches(folded).ToList();
        for (var i = 0; i < words.Count;)
        {
            var taken = TryPhrase(folded, words, i, query, units);
            if (taken > 0)
            {
                i += taken;
                continue;
            }

            var word = words[i++].Value;
            if (vocabulary.Stopwords.Contains(word))
            {
                continue;
            }

            // Words the analyser drops ("and", "the") are function words, whatever a dictionary offers for them.
            var terms = analyzer.Analyze(word).Select(t => t.Term).Distinct().ToList();
            if (terms.Count == 0)
            {
                continue;
            }

            var alternatives = new List<Alternative>();
            foreach (var term in terms)
            {
                alternatives.Add(new Alternative([term]));
                AddTerm(query, TextField, term, 1.0);
                AddTerm(query, MetaField, term, 0.5);
            }

            var renderings = vocabulary.Renderings(word, out var curated);
            AddRenderings(renderings, curated, query, alternatives);
            units.Add(new QueryUnit(word, EnglishWeight(alternatives), alternatives));
        }
    }

    /// <summary>Multi-word entries of the curated vocabulary ("data center", "scaling law") become one unit.</summary>
    private int TryPhrase(string folded, List<Match> words, int start, BooleanQuery query, List<QueryUnit> units)
    {
        for (var n = Math.Min(QueryVocabulary.MaxPhraseWords, words.Count - start); n >= 2; n--)
        {
            var last = words[start + n - 1];
            var span = folded[words[start].Index..(last.Index + last.Length)];
            if (span.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '.' or '\'')))
            {
                continue;
            }

            var renderings = vocabulary.Renderings(span, out var curated);
            if (!curated || renderings.Count == 0)
            {
                continue;
            }

            var alternatives = new List<Alternative>();
            var englishTerms = analyzer.Analyze(span).Select(t => t.Term).ToArray();
            if (englishTerms.Length > 0)
            {
                alternatives.Add(new Alternative(englishTerms));
                AddPhrase(query, TextField, englishTerms, 1.0);
                AddPhrase(query, MetaField, englishTerms, 0.5);
            }

            AddRenderings(renderings, curated, query, alternatives);
            units.Add(new QueryUnit(span, EnglishWeight(alternatives), alternatives));
            return n;
        }

        return 0;
    }

    private void AddRenderings(IReadOnlyList<string> renderings, bool curated, BooleanQuery query, List<Alternative> alternatives)
    {
        var added = 0;
        foreach (var rendering in renderings)
        {
            var terms = analyzer.Analyze(rendering.ToLowerInvariant()).Select(t => t.Term).ToArray();

            // Keep only renderings that occur in the corpus: the general dictionary offers many that never do.
            if (terms.Length == 0 || !terms.All(t => documentFrequency(t) > 0))
            {
                continue;
            }

            // A general-dictionary rendering ("way" → 方式) is weaker evidence than the curated vocabulary.
            alternatives.Add(new Alternative(terms, curated ? 1.0 : DictionaryCredit));
            AddPhrase(query, TextField, terms, curated ? 1.0 : 0.6);
            if (!curated && ++added >= MaxDictionaryRenderings)
            {
                break;
            }
        }
    }

    private void AddHanUnits(string folded, BooleanQuery query, List<QueryUnit> units)
    {
        var stop = MarkStopwords(folded);
        var hanTokens = analyzer.Analyze(folded).Where(t => t.IsCjk).ToList();
        foreach (var token in hanTokens)
        {
            if (Enumerable.Range(token.Start, token.End - token.Start).All(i => stop[i]))
            {
                continue;
            }

            AddTerm(query, TextField, token.Term, 1.0);

            // Metadata repeats on every chunk of an article: only a rare term there is worth scoring all its postings.
            if (documentFrequency(token.Term) <= documentCount / 10)
            {
                AddTerm(query, MetaField, token.Term, 0.3);
            }
        }

        for (var i = 0; i < folded.Length; i++)
        {
            if (stop[i] || !LanguageDetector.IsHan(folded[i]))
            {
                continue;
            }

            // A bigram that leans on a particle ("家的") says nothing about the content character beside it.
            var alternatives = hanTokens
                .Where(t => t.Start <= i && i < t.End && !stop.AsSpan(t.Start, t.End - t.Start).Contains(true) && documentFrequency(t.Term) > 0)
                .Select(t => new Alternative([t.Term]))
                .ToList();
            if (alternatives.Count > 0)
            {
                units.Add(new QueryUnit(folded[i].ToString(), Specificity(alternatives), alternatives));
            }
            else
            {
                // No bigram around this character occurs anywhere: a name or a word the corpus lacks, or a seam
                // between two words ("2018年募资"). The character alone tells those apart: a seam character is
                // usually in the passage, a missing subject is not.
                units.Add(new QueryUnit(folded[i].ToString(), 1.0, [new Alternative([UnigramPrefix + folded[i]])]));
            }
        }
    }

    /// <summary>
    /// An English word that neither occurs in the corpus nor has a rendering there may just be a gap in the
    /// vocabulary ("hit a wall"), so it counts half; a question made only of such words still finds nothing.
    /// </summary>
    private double EnglishWeight(List<Alternative> alternatives) =>
        alternatives.All(a => a.Terms.Max(documentFrequency) == 0) ? EnglishWordWeight / 2 : EnglishWordWeight * Specificity(alternatives);

    /// <summary>
    /// From 0.5 for a unit found in nearly every passage ("AI", "泡沫") to 1 for a rare one (a name, a figure):
    /// a passage that shares only the debate's common words with a question does not answer it.
    /// </summary>
    private double Specificity(List<Alternative> alternatives)
    {
        // A unit is as common as its most common rendering: "compare" is generic even if one rare rendering exists.
        var commonest = alternatives.Max(a => a.Terms.Max(documentFrequency));
        if (commonest <= 0 || documentCount <= 1)
        {
            return 1.0;
        }

        var idf = Math.Log((double)documentCount / commonest) / Math.Log(documentCount);
        return 0.5 + (0.5 * Math.Clamp(idf, 0, 1));
    }

    private bool[] MarkStopwords(string folded)
    {
        var stop = new bool[folded.Length];
        for (var i = 0; i < folded.Length; i++)
        {
            if (!LanguageDetector.IsHan(folded[i]))
            {
                continue;
            }

            // Longest stop word starting here wins, so "为什么" is taken whole before "什么".
            for (var length = Math.Min(4, folded.Length - i); length >= 1; length--)
            {
                if (vocabulary.Stopwords.Contains(folded.Substring(i, length)))
                {
                    Array.Fill(stop, true, i, length);
                    break;
                }
            }
        }

        return stop;
    }

    private static void AddTerm(BooleanQuery query, string field, string term, double boost) =>
        query.Add(new TermQuery(new Term(field, term)) { Boost = (float)boost }, Occur.SHOULD);

    private static void AddPhrase(BooleanQuery query, string field, string[] terms, double boost)
    {
        if (terms.Length == 1)
        {
            AddTerm(query, field, terms[0], boost);
            return;
        }

        var phrase = new PhraseQuery { Boost = (float)boost };
        foreach (var term in terms)
        {
            phrase.Add(new Term(field, term));
        }

        query.Add(phrase, Occur.SHOULD);
    }
}
