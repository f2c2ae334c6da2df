using System.Security.Cryptography;
using System.Text;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Text;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace BubbleBot.Core.Retrieval;

/// <summary>The Lucene fields of a chunk's document, named in this one place.</summary>
internal static class IndexFields
{
    /// <summary>The passage, folded to Simplified: CJK bigrams and stemmed English words.</summary>
    public const string Text = "text";

    /// <summary>The article's titles, English summary and author, and the chunk's heading and speaker.</summary>
    public const string Meta = "meta";

    /// <summary>The chunk's section heading, which says what every passage under it is about.</summary>
    public const string Heading = "heading";

    /// <summary>The article id, one term, so that a question naming an article can be limited to it.</summary>
    public const string Article = "article";

    /// <summary>The chunk's number in <see cref="CorpusIndex.Chunks"/> (doc values).</summary>
    public const string ChunkNumber = "chunk";
}

/// <summary>
/// The chunks of every article and their Lucene index, built once at start and shared by every adapter.
/// With a data folder, the index is kept on disk and reused while the corpus and the analysis are unchanged.
/// </summary>
public sealed class CorpusIndex : IChunkStore, IDisposable
{
    /// <summary>Prefix of single-character terms, which are checked in the folded text rather than in the index.</summary>
    public const string UnigramPrefix = "u:";
    private const string FingerprintKey = "fingerprint";

    private readonly LuceneDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly int[] _chunkOfDocument;
    private readonly Dictionary<string, Chunk[]> _chunksOfArticle;

    private CorpusIndex(
        IReadOnlyList<Article> articles,
        IReadOnlyList<Chunk> chunks,
        LuceneDirectory directory,
        bool reused)
    {
        Articles = articles;
        Chunks = chunks;
        _directory = directory;
        _reader = DirectoryReader.Open(directory);
        Searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
        ReusedPersistedIndex = reused;
        _chunkOfDocument = ReadChunkNumbers(_reader);
        _chunksOfArticle = chunks.GroupBy(c => c.DocId).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Index).ToArray());
        _passagesWithCharacter = new Lazy<Dictionary<char, int>>(CountPassagesWithCharacter);
    }

    public IReadOnlyList<Article> Articles { get; }

    public IReadOnlyList<Chunk> Chunks { get; }

    /// <summary>True when start-up found an up-to-date index on disk and skipped the build.</summary>
    public bool ReusedPersistedIndex { get; }

    internal BubbleAnalyzer Analyzer { get; } = new();

    internal IndexSearcher Searcher { get; }

    /// <summary>
    /// Passages whose text or metadata holds the term: a rendering found only in a title still counts as present. A
    /// single character (a unigram term, not indexed) is counted in the passages' folded text. A Latin word the text
    /// has is counted in the text alone: the English summary repeats in every passage of its article, and "Gartner",
    /// once in the transcript, is not common because the summary names it.
    /// </summary>
    internal int DocumentFrequency(string term)
    {
        if (term.StartsWith(UnigramPrefix, StringComparison.Ordinal))
        {
            return term.Length == UnigramPrefix.Length + 1 ? _passagesWithCharacter.Value.GetValueOrDefault(term[^1]) : 0;
        }

        var inText = _reader.DocFreq(new Term(IndexFields.Text, term));
        var inMeta = _reader.DocFreq(new Term(IndexFields.Meta, term));
        return inText > 0 && !LanguageDetector.IsHan(term[0]) ? inText : Math.Max(inText, inMeta);
    }

    private readonly Lazy<Dictionary<char, int>> _passagesWithCharacter;

    /// <summary>Counts the passages holding each character now, off the request path.</summary>
    internal void Preload() => _ = _passagesWithCharacter.Value;

    private Dictionary<char, int> CountPassagesWithCharacter()
    {
        var counts = new Dictionary<char, int>();
        foreach (var chunk in Chunks)
        {
            foreach (var c in Fold(chunk.Text).Where(LanguageDetector.IsHan).Distinct())
            {
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        return counts;
    }

    internal Chunk ChunkOf(int luceneDocument) => Chunks[_chunkOfDocument[luceneDocument]];

    public IReadOnlyList<Chunk> ChunksOf(string articleId) => _chunksOfArticle.TryGetValue(articleId, out var chunks) ? chunks : [];

    /// <summary>
    /// Lucene document → chunk number, read once into a plain array that every adapter's searches can share
    /// without relying on the thread-safety of doc-values readers.
    /// </summary>
    private static int[] ReadChunkNumbers(DirectoryReader reader)
    {
        var map = new int[reader.MaxDoc];
        var values = MultiDocValues.GetNumericValues(reader, IndexFields.ChunkNumber);
        for (var doc = 0; doc < map.Length; doc++)
        {
            map[doc] = (int)values.Get(doc);
        }

        return map;
    }

    /// <summary>
    /// Which of <paramref name="terms"/> each candidate document holds, in its text or its metadata, read from the
    /// postings rather than by analysing the passages again; unigram terms are checked in the folded text.
    /// </summary>
    internal HashSet<string>[] TermsPresent(IReadOnlyCollection<string> terms, IReadOnlyList<int> documents)
    {
        var present = documents.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var order = Enumerable.Range(0, documents.Count).OrderBy(i => documents[i]).ToArray();
        var liveDocs = MultiFields.GetLiveDocs(_reader);
        foreach (var term in terms)
        {
            if (term.StartsWith(UnigramPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var bytes = new BytesRef(term);
            foreach (var field in new[] { IndexFields.Text, IndexFields.Meta })
            {
                var postings = MultiFields.GetTermDocsEnum(_reader, liveDocs, field, bytes);
                if (postings is null)
                {
                    continue;
                }

                foreach (var i in order)
                {
                    var target = documents[i];
                    var at = postings.DocID < target ? postings.Advance(target) : postings.DocID;
                    if (at == DocIdSetIterator.NO_MORE_DOCS)
                    {
                        break;
                    }

                    if (at == target)
                    {
                        present[i].Add(term);
                    }
                }
            }
        }

        var unigrams = terms.Where(t => t.StartsWith(UnigramPrefix, StringComparison.Ordinal)).ToList();
        if (unigrams.Count > 0)
        {
            for (var i = 0; i < documents.Count; i++)
            {
                var folded = Fold(ChunkOf(documents[i]).Text);
                foreach (var unigram in unigrams)
                {
                    if (folded.Contains(unigram[^1]))
                    {
                        present[i].Add(unigram);
                    }
                }
            }
        }

        return present;
    }

    internal IReadOnlySet<string> TermsOfText(string text)
    {
        var folded = Fold(text);
        var terms = Analyzer.Analyze(folded).Select(t => t.Term).ToHashSet();
        foreach (var c in folded)
        {
            if (LanguageDetector.IsHan(c))
            {
                terms.Add(UnigramPrefix + c);
            }
        }

        return terms;
    }

    public static CorpusIndex Build(IReadOnlyList<Article> articles, string? dataPath)
    {
        var chunks = articles.SelectMany(Chunker.Split).ToList();
        var byArticle = articles.ToDictionary(a => a.Id);
        var fingerprint = Fingerprint(articles, chunks);

        LuceneDirectory directory = dataPath is null
            ? new RAMDirectory()
            : FSDirectory.Open(new DirectoryInfo(Path.Combine(dataPath, "index")));
        if (dataPath is not null && IsCurrent(directory, fingerprint))
        {
            return new CorpusIndex(articles, chunks, directory, reused: true);
        }

        using var analyzer = new BubbleAnalyzer();
        var config = new IndexWriterConfig(BubbleAnalyzer.Version, analyzer)
        {
            OpenMode = OpenMode.CREATE,
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = 16,
        };
        using (var writer = new IndexWriter(directory, config))
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                writer.AddDocument(
                [
                    new NumericDocValuesField(IndexFields.ChunkNumber, i),
                    new TextField(IndexFields.Text, Fold(chunk.Text), Field.Store.NO),
                    new StringField(IndexFields.Article, chunk.DocId, Field.Store.NO),
                    new TextField(IndexFields.Meta, Fold(MetaText(byArticle[chunk.DocId], chunk)), Field.Store.NO),
                    new TextField(IndexFields.Heading, Fold(chunk.Heading ?? string.Empty), Field.Store.NO),
                ]);
            }

            // The index is read-only once built: one segment makes every term lookup and search a single seek.
            writer.ForceMerge(1);
            writer.SetCommitData(new Dictionary<string, string> { [FingerprintKey] = fingerprint });
            writer.Commit();
        }

        return new CorpusIndex(articles, chunks, directory, reused: false);
    }

    private static bool IsCurrent(LuceneDirectory directory, string fingerprint)
    {
        if (!DirectoryReader.IndexExists(directory))
        {
            return false;
        }

        using var reader = DirectoryReader.Open(directory);
        return reader.IndexCommit.UserData.TryGetValue(FingerprintKey, out var stored) && stored == fingerprint;
    }

    /// <summary>English metadata is indexed too, so English questions find Chinese articles by what they are about.</summary>
    private static string MetaText(Article article, Chunk? chunk) =>
        string.Join('\n', new[] { article.Title, article.TitleEn, article.SummaryEn, article.Author, chunk?.Heading, chunk?.Speaker }
            .Where(s => !string.IsNullOrWhiteSpace(s)));

    private static string Fold(string text) => ScriptFolder.Fold(text).ToLowerInvariant();

    internal static string Fingerprint(IReadOnlyList<Article> articles, IReadOnlyList<Chunk> chunks)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(BubbleAnalyzer.Fingerprint));
        var byArticle = articles.ToDictionary(a => a.Id);
        foreach (var chunk in chunks)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(chunk.Id));
            hash.AppendData(Encoding.UTF8.GetBytes(chunk.Text));
            hash.AppendData(Encoding.UTF8.GetBytes(MetaText(byArticle[chunk.DocId], chunk)));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        _reader.Dispose();
        Analyzer.Dispose();
        _directory.Dispose();
    }
}
