namespace BubbleBot.Core.Corpus;

/// <summary>One article of the corpus: its metadata from the front matter and its clean body text.</summary>
public sealed record Article(
    string Id,
    string Title,
    string? TitleEn,
    string Author,
    string? Published,
    string Language,
    string? Source,
    string? Url,
    IReadOnlyDictionary<string, string> Alternates,
    string? SummaryEn,
    bool UrlCarriesCorpusText,
    string Body,
    string FilePath);

/// <summary>The loaded corpus, shared by every adapter (for example to list the sources).</summary>
public interface IArticleCatalog
{
    IReadOnlyList<Article> Articles { get; }

    Article? Find(string id);
}
