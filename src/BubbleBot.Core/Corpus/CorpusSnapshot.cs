using BubbleBot.Core.Answering;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Corpus;

/// <summary>
/// Everything that derives from the corpus and its language data, built together and never changed afterwards: the
/// articles, their index, the question analysis (which knows the articles' aliases), the retriever and the extractive
/// answers over them. A question is answered from one snapshot from start to end; a reload builds a new one.
/// </summary>
public sealed class CorpusSnapshot
{
    internal CorpusSnapshot(
        int version,
        DateTimeOffset loadedAt,
        ArticleCatalog catalog,
        CorpusIndex index,
        QuestionAnalyzer analyzer,
        LuceneRetriever retriever,
        QueryVocabulary vocabulary)
    {
        Version = version;
        LoadedAt = loadedAt;
        Catalog = catalog;
        Index = index;
        Analyzer = analyzer;
        Retriever = retriever;
        Vocabulary = vocabulary;
        Answers = new ExtractiveAnswerService(retriever, catalog, index);
    }

    /// <summary>1 for the snapshot built at start, one more for every successful reload.</summary>
    public int Version { get; }

    public DateTimeOffset LoadedAt { get; }

    public IArticleCatalog Catalog { get; }

    public CorpusIndex Index { get; }

    public QuestionAnalyzer Analyzer { get; }

    public LuceneRetriever Retriever { get; }

    public ExtractiveAnswerService Answers { get; }

    internal QueryVocabulary Vocabulary { get; }

    /// <summary>Loads what the first question would otherwise wait for: the general dictionary and the character counts.</summary>
    internal void Warm()
    {
        Vocabulary.Preload();
        Index.Preload();
    }
}

/// <summary>
/// Holds the current <see cref="CorpusSnapshot"/>. Readers take <see cref="Current"/> once per question; a reload swaps
/// in a complete new snapshot with one reference write, so no question ever sees half of a reload.
/// </summary>
public sealed class CorpusSnapshots
{
    private CorpusSnapshot _current;

    public CorpusSnapshots(CorpusSnapshot initial) => _current = initial;

    public CorpusSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after a new snapshot was swapped in (on the reloading thread).</summary>
    public event Action<CorpusSnapshot>? Swapped;

    internal void Swap(CorpusSnapshot next)
    {
        // The old snapshot is not disposed: questions still running on it finish there, and its in-memory index is
        // collected with it once they are done.
        Interlocked.Exchange(ref _current, next);
        Swapped?.Invoke(next);
    }
}

/// <summary>The catalog of the current snapshot, for consumers that hold an <see cref="IArticleCatalog"/> for the process's life.</summary>
internal sealed class LiveArticleCatalog(CorpusSnapshots snapshots) : IArticleCatalog
{
    public IReadOnlyList<Article> Articles => snapshots.Current.Catalog.Articles;

    public Article? Find(string id) => snapshots.Current.Catalog.Find(id);
}

/// <summary>The chunks of the current snapshot.</summary>
internal sealed class LiveChunkStore(CorpusSnapshots snapshots) : IChunkStore
{
    public IReadOnlyList<Chunk> Chunks => snapshots.Current.Index.Chunks;

    public IReadOnlyList<Chunk> ChunksOf(string articleId) => snapshots.Current.Index.ChunksOf(articleId);
}

/// <summary>Extractive answers, each question from the snapshot current when it arrives.</summary>
internal sealed class LiveAnswerService(CorpusSnapshots snapshots) : IAnswerService
{
    public Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken) =>
        snapshots.Current.Answers.AnswerAsync(request, cancellationToken);
}

/// <summary>BM25 retrieval (<see cref="LuceneRetriever"/>), each question against the snapshot current when it arrives.</summary>
public sealed class LiveRetriever(CorpusSnapshots snapshots) : IRetriever
{
    public Task<RetrievalResult> RetrieveAsync(RetrievalRequest request, int top, CancellationToken cancellationToken) =>
        snapshots.Current.Retriever.RetrieveAsync(request, top, cancellationToken);
}

/// <summary>The segmenter's words (jieba's dictionary is process-wide, and adding words to it is additive).</summary>
internal static class SegmenterWords
{
    public static IEnumerable<string> AliasesOf(IEnumerable<Article> articles) =>
        articles.SelectMany(a => a.Aliases)
            .Select(a => ScriptFolder.Fold(a).ToLowerInvariant())
            .Where(a => a.Length > 1 && a.All(LanguageDetector.IsHan));
}
