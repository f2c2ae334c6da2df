using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace BubbleBot.Core.Retrieval;

/// <summary>A term of analysed text with its offsets in that text.</summary>
internal readonly record struct AnalyzedToken(string Term, int Start, int End)
{
    public bool IsCjk => Term.Length > 0 && Text.LanguageDetector.IsHan(Term[0]);
}

/// <summary>
/// Han text becomes overlapping bigrams (single characters where a run has only one), Latin text becomes
/// lower-cased, stemmed English words. Input is expected already folded to Simplified by <see cref="Text.ScriptFolder"/>.
/// </summary>
internal sealed class BubbleAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>Changes whenever analysis or the index layout changes, so that a persisted index built differently is rebuilt.</summary>
    public const string Fingerprint = "bubble-index-v4";

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new StandardTokenizer(Version, reader);
        TokenStream stream = new CJKWidthFilter(tokenizer);
        stream = new LowerCaseFilter(Version, stream);
        stream = new CJKBigramFilter(stream);
        stream = new StopFilter(Version, stream, StopAnalyzer.ENGLISH_STOP_WORDS_SET);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(tokenizer, stream);
    }

    public List<AnalyzedToken> Analyze(string foldedText)
    {
        var tokens = new List<AnalyzedToken>();
        using var stream = GetTokenStream("text", new StringReader(foldedText));
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(new AnalyzedToken(term.ToString(), offset.StartOffset, offset.EndOffset));
        }

        stream.End();
        return tokens;
    }
}
