using BubbleBot.Core.Configuration;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Corpus;

/// <summary>Where the corpus and the language data it is read with are, resolved once by <see cref="DataPaths"/>.</summary>
public sealed record CorpusSources(
    string CorpusFolder,
    string VocabularyFile,
    string StopwordsFile,
    string QuestionCuesFile,
    string UserDictionaryFile,
    string DictionaryFile,
    string JiebaFolder,
    string SynonymsFile)
{
    /// <summary>The operator-editable data files whose change triggers a reload.</summary>
    public IReadOnlyList<string> WatchedDataFiles => [VocabularyFile, StopwordsFile, QuestionCuesFile, UserDictionaryFile, SynonymsFile];

    public static CorpusSources From(DataPaths paths, CorpusOptions corpus, RetrievalOptions retrieval) => new(
        paths.Resolve(corpus.Path),
        paths.Resolve(retrieval.VocabularyPath),
        paths.Resolve(retrieval.StopwordsPath),
        paths.Resolve(Path.Combine("data", "question-cues.tsv")),
        paths.Resolve(Path.Combine("data", "userdict.txt")),
        paths.Resolve(Path.Combine("data", "cedict", "en-zh.tsv.gz")),
        Path.GetDirectoryName(paths.Resolve(Path.Combine("data", "jieba", "dict.txt")))!,
        paths.Resolve(Path.Combine("data", "synonyms.tsv")));
}

/// <summary>
/// Builds a complete <see cref="CorpusSnapshot"/> from the files: loads and validates the articles (a broken file is
/// skipped with one log line), refuses an empty corpus, indexes the chunks and loads the language data.
/// </summary>
public sealed class CorpusBuilder(
    CorpusLoader loader,
    CorpusSources sources,
    IOptions<RetrievalOptions> retrieval,
    IOptions<StorageOptions> storage,
    DataPaths paths,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public CorpusSources Sources => sources;

    /// <param name="version">The snapshot's version.</param>
    /// <param name="persist">
    /// Whether the index may be persisted to <c>Storage:DataPath</c>. Only the start-up build does: a reload must not
    /// rewrite the files that the snapshot still answering questions reads, so it builds in memory.
    /// </param>
    public CorpusSnapshot Build(int version, bool persist)
    {
        var articles = loader.LoadDirectory(sources.CorpusFolder);
        if (articles.Count == 0)
        {
            throw new CorpusException(
                $"Corpus folder '{sources.CorpusFolder}' holds no valid article (*.md with id and title in its front matter); set Corpus:Path or add articles.");
        }

        var dataPath = persist && storage.Value.DataPath is { Length: > 0 } configured ? paths.ResolveWritable(configured) : null;
        var index = CorpusIndex.Build(articles, dataPath);
        var vocabulary = QueryVocabulary.Load(sources.VocabularyFile, sources.StopwordsFile, sources.DictionaryFile, sources.SynonymsFile);
        var cues = QuestionCues.Load(sources.QuestionCuesFile);
        var segmenter = new ChineseSegmenter(sources.JiebaFolder, sources.UserDictionaryFile, SegmenterWords.AliasesOf(articles), vocabulary.SynonymWords);
        var analyzer = new QuestionAnalyzer(index, vocabulary, cues, segmenter);
        var retriever = new LuceneRetriever(index, analyzer, retrieval, loggers.CreateLogger<LuceneRetriever>());
        return new CorpusSnapshot(version, time.GetUtcNow(), new ArticleCatalog(articles), index, analyzer, retriever, vocabulary);
    }
}
