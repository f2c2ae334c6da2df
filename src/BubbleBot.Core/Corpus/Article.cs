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
    string FilePath)
{
    /// <summary>Other names of the article's source (author, outlet, kind of text) in every script and language.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// Other spellings of a transcript's speakers, by the name its speaker labels use ("索隆" → "Suo Long"): a question
    /// typing one means that speaker.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SpeakerSpellings { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The article's key arguments, each a verbatim quote of its body with the side of the debate it takes.</summary>
    public IReadOnlyList<Claim> Claims { get; init; } = [];

    /// <summary>Why claims of the front matter were left out (the loader logs one line for each).</summary>
    internal IReadOnlyList<string> SkippedClaims { get; init; } = [];
}

/// <summary>Which side of the bubble debate an argument takes.</summary>
public enum Stance
{
    Bubble,
    NotBubble,
    Mixed,
}

/// <summary>A key argument of an article: <see cref="Quote"/> occurs verbatim in the body, at <see cref="Start"/>.</summary>
public sealed record Claim(Stance Stance, string Quote, int Start);

/// <summary>The loaded corpus, shared by every adapter (for example to list the sources).</summary>
public interface IArticleCatalog
{
    IReadOnlyList<Article> Articles { get; }

    Article? Find(string id);
}
