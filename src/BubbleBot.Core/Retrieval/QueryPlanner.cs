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
        var query = new QueryClauses();
        var units = new List<QueryUnit>();
        AddLatinUnits(folded, query, units);
        AddHanUnits(folded, query, units);
        return new QueryPlan(query.Query, units);
    }

    private void AddLatinUnits(string folded, QueryClauses query, List<QueryUnit> units)
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
                AddMetaTerm(query, term, 0.5);
            }

            var renderings = vocabulary.Renderings(word, out var curated);
            AddRenderings(renderings, curated, query, alternatives);
            units.Add(new QueryUnit(word, EnglishWeight(alternatives), alternatives));
        }
    }

    /// <summary>Multi-word entries of the curated vocabulary ("data center", "scaling law") become one unit.</summary>
    private int TryPhrase(string folded, List<Match> words, int start, QueryClauses query, List<QueryUnit> units)
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

    private void AddRenderings(IReadOnlyList<string> renderings, bool curated, QueryClauses query, List<Alternative> alternatives)
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

            // A phrase made only of very common bigrams ("人工智能" for "AI") costs position checks over long posting
            // lists and barely moves BM25; coverage still counts it through the alternative above.
            if (terms.Min(documentFrequency) <= documentCount / 4)
            {
                AddPhrase(query, TextField, terms, curated ? 1.0 : 0.6);
            }
            if (!curated && ++added >= MaxDictionaryRenderings)
            {
                break;
            }
        }
    }

    private void AddHanUnits(string folded, QueryClauses query, List<QueryUnit> units)
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
            AddMetaTerm(query, token.Term, 0.3);
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

    /// <summary>Metadata repeats on every chunk of an article: only a rare term there is worth scoring all its postings.</summary>
    private void AddMetaTerm(QueryClauses query, string term, double boost)
    {
        if (documentFrequency(term) <= documentCount / 10)
        {
            AddTerm(query, MetaField, term, boost);
        }
    }

    private static void AddTerm(QueryClauses query, string field, string term, double boost) => query.Add([term], field, boost);

    private static void AddPhrase(QueryClauses query, string field, string[] terms, double boost) => query.Add(terms, field, boost);

    /// <summary>
    /// The query's SHOULD clauses, each term or phrase once per field: a word asked twice ("AI … AI") would otherwise
    /// be scored twice over its whole posting list.
    /// </summary>
    private sealed class QueryClauses
    {
        private readonly HashSet<string> _added = new(StringComparer.Ordinal);

        public BooleanQuery Query { get; } = new();

        public void Add(string[] terms, string field, double boost)
        {
            if (!_added.Add(field + "\u0001" + string.Join('\u0001', terms)))
            {
                return;
            }

            if (terms.Length == 1)
            {
                Query.Add(new TermQuery(new Term(field, terms[0])) { Boost = (float)boost }, Occur.SHOULD);
                return;
            }

            var phrase = new PhraseQuery { Boost = (float)boost };
            foreach (var term in terms)
            {
                phrase.Add(new Term(field, term));
            }

            Query.Add(phrase, Occur.SHOULD);
        }
    }
}
