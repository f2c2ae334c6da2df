using System.Text.RegularExpressions;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;

namespace BubbleBot.Llm.Answering;

/// <summary>What is left of a model's reply once it has been checked against the passages it was given.</summary>
public sealed record ValidatedAnswer(string Text, IReadOnlyList<Citation> Citations, bool NotCovered, int RemovedMarkers, int RemovedLinks);

/// <summary>
/// Never trusts the model's text: keeps only citation markers that name a passage it was given (renumbered 1..k in order
/// of first appearance), builds each citation from the corpus itself, and removes every link that is not one of the
/// corpus's own article URLs, so an instruction smuggled into a question cannot make the bot post a foreign link.
/// </summary>
public sealed partial class AnswerValidator
{
    /// <summary>The reply the answer prompt asks for when the passages do not answer the question.</summary>
    public const string NotCoveredSentinel = "NO_ANSWER";

    /// <summary>How much of the answer before a marker counts as the claim it supports, when choosing the quote.</summary>
    private const int ClaimWindow = 240;

    private readonly IArticleCatalog _catalog;
    private readonly HashSet<string> _corpusUrls;

    public AnswerValidator(IArticleCatalog catalog)
    {
        _catalog = catalog;
        _corpusUrls = catalog.Articles
            .SelectMany(a => a.Alternates.Values.Prepend(a.Url))
            .OfType<string>()
            .Select(Normalize)
            .ToHashSet(StringComparer.Ordinal);
    }

    public ValidatedAnswer Validate(string reply, IReadOnlyList<Chunk> passages, AnswerLanguage language)
    {
        var text = reply.Trim();
        if (text.StartsWith(NotCoveredSentinel, StringComparison.Ordinal))
        {
            return new ValidatedAnswer(string.Empty, [], NotCovered: true, 0, 0);
        }

        text = text.Replace(NotCoveredSentinel, string.Empty, StringComparison.Ordinal);
        var removedLinks = 0;
        text = StripLinks(text, ref removedLinks);
        var beforeMarkers = text;

        // Renumber valid markers by first appearance; drop the rest.
        var numbering = new Dictionary<int, int>();
        var firstUse = new Dictionary<int, int>();
        var removedMarkers = 0;
        text = MarkerGroup().Replace(text, match =>
        {
            var kept = new List<int>();
            foreach (var part in match.Groups["numbers"].Value.Split([',', '，', '、', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(part, out var passage) || passage < 1 || passage > passages.Count)
                {
                    removedMarkers++;
                    continue;
                }

                if (!numbering.TryGetValue(passage, out var n))
                {
                    n = numbering.Count + 1;
                    numbering[passage] = n;
                    firstUse[passage] = match.Index;
                }

                if (!kept.Contains(n))
                {
                    kept.Add(n);
                }
            }

            return string.Concat(kept.Select(n => $"[{n}]"));
        });

        text = Tidy(text);
        var citations = new List<Citation>(numbering.Count);
        foreach (var (passage, n) in numbering.OrderBy(p => p.Value))
        {
            citations.Add(Cite(n, passages[passage - 1], language, ClaimBefore(beforeMarkers, firstUse[passage])));
        }

        return new ValidatedAnswer(text, citations, NotCovered: false, removedMarkers, removedLinks);
    }

    private Citation Cite(int n, Chunk chunk, AnswerLanguage language, string claim)
    {
        var article = _catalog.Find(chunk.DocId)
            ?? throw new InvalidOperationException($"Passage {chunk.Id} names article {chunk.DocId}, which the catalog does not hold.");
        var quote = QuoteExcerpt.For(article.Body, chunk, claim);
        var link = article.Url is null ? null
            : article.UrlCarriesCorpusText ? TextFragmentLink.Create(article.Url, quote)
            : article.Url;
        return new Citation(n, article.Id, ExtractiveAnswerService.DisplayTitle(article, language), article.Url, quote,
            article.Author, article.Published, link);
    }

    /// <summary>The text just before a marker's first use, back to the previous sentence end: the claim the passage supports.</summary>
    private static string ClaimBefore(string text, int index)
    {
        var start = Math.Max(0, index - ClaimWindow);
        var window = text[start..index];
        var sentenceEnd = window.LastIndexOfAny(['。', '！', '？', '.', '!', '?', '\n'], Math.Max(0, window.Length - 2));
        return sentenceEnd > 0 ? window[(sentenceEnd + 1)..] : window;
    }

    private string StripLinks(string text, ref int removed)
    {
        var count = 0;

        // Markdown links first: a foreign target leaves only the link text, a corpus one is kept as "text (url)".
        text = MarkdownLink().Replace(text, m =>
        {
            var label = m.Groups["label"].Value;
            var keptLabel = NumericLabel().IsMatch(label) ? $"[{label}]" : label;
            if (IsCorpusUrl(m.Groups["url"].Value))
            {
                return $"{keptLabel} ({m.Groups["url"].Value})";
            }

            count++;
            return keptLabel;
        });
        text = BareUrl().Replace(text, m =>
        {
            var url = m.Value.TrimEnd('.', ',', ';', ':', '!', '?', '\'', '"', '>');
            var trailing = m.Value[url.Length..];
            if (IsCorpusUrl(url.TrimStart('<')))
            {
                return m.Value;
            }

            count++;
            return trailing.TrimStart('>');
        });
        removed += count;
        return text;
    }

    private bool IsCorpusUrl(string url) =>
        url.StartsWith("http", StringComparison.OrdinalIgnoreCase) && _corpusUrls.Contains(Normalize(url));

    /// <summary>Scheme and host case, a trailing slash and any fragment (e.g. a text fragment) do not make a URL foreign.</summary>
    private static string Normalize(string url)
    {
        var withoutFragment = url.Split('#', 2)[0].TrimEnd('/');
        return Uri.TryCreate(withoutFragment, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.Authority}{uri.PathAndQuery}".TrimEnd('/').ToLowerInvariant()
            : withoutFragment.ToLowerInvariant();
    }

    /// <summary>Collapses what removals leave behind: empty brackets, doubled spaces, spaces before punctuation.</summary>
    private static string Tidy(string text)
    {
        text = EmptyBrackets().Replace(text, string.Empty);
        text = SpaceRun().Replace(text, " ");
        text = SpaceBeforePunctuation().Replace(text, "$1");
        var lines = text.Split('\n').Select(l => l.TrimEnd());
        return BlankLines().Replace(string.Join('\n', lines), "\n\n").Trim();
    }

    [GeneratedRegex(@"[\[［【]\s*(?<numbers>\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］】]")]
    private static partial Regex MarkerGroup();

    [GeneratedRegex(@"\[(?<label>[^\]\n]*)\]\(\s*<?(?<url>[^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*$")]
    private static partial Regex NumericLabel();

    /// <summary>Absolute URLs and "www." hosts, up to whitespace or a bracket; CJK punctuation ends them too.</summary>
    [GeneratedRegex(@"<?(?:(?:https?|ftp)://|www\.)[^\s<>()\[\]「」『』（）【】，。、；！？""]+>?", RegexOptions.IgnoreCase)]
    private static partial Regex BareUrl();

    [GeneratedRegex(@"\(\s*\)|（\s*）|<\s*>")]
    private static partial Regex EmptyBrackets();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex SpaceRun();

    [GeneratedRegex(@" +([.,;:!?。，；：！？])")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
