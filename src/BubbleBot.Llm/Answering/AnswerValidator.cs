using BubbleBot.Core.Text;
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
/// Chat clients such as Telegram also turn scheme-less text into links (<c>t.me/x</c>, <c>evil.example/login</c>,
/// <c>name@host.com</c>), so domain-shaped tokens and e-mail addresses are removed too, unless the token is a corpus
/// article's host (alone) or URL, or occurs verbatim in one of the passages the model was given (such as the company
/// name "Buy.com" in a quoted sentence).
/// </summary>
public sealed partial class AnswerValidator
{
    /// <summary>The reply the answer prompt asks for when the passages do not answer the question.</summary>
    public const string NotCoveredSentinel = "NO_ANSWER";

    /// <summary>How much of the answer before a marker counts as the claim it supports, when choosing the quote.</summary>
    private const int ClaimWindow = 240;

    private readonly IArticleCatalog _catalog;
    private readonly HashSet<string> _corpusUrls;
    private readonly HashSet<string> _corpusHosts;

    public AnswerValidator(IArticleCatalog catalog)
    {
        _catalog = catalog;
        _corpusUrls = catalog.Articles
            .SelectMany(a => a.Alternates.Values.Prepend(a.Url))
            .OfType<string>()
            .Select(Normalize)
            .ToHashSet(StringComparer.Ordinal);
        _corpusHosts = catalog.Articles
            .SelectMany(a => a.Alternates.Values.Prepend(a.Url))
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? BareHost(uri.Host) : null)
            .OfType<string>()
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
        text = StripLinks(text, passages, ref removedLinks);
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
        return Quotes.Cite(n, article, QuoteExcerpt.For(article, chunk, claim), language);
    }

    /// <summary>The text just before a marker's first use, back to the previous sentence end: the claim the passage supports.</summary>
    private static string ClaimBefore(string text, int index)
    {
        var start = Math.Max(0, index - ClaimWindow);
        var window = text[start..index];
        var sentenceEnd = window.LastIndexOfAny(['。', '！', '？', '.', '!', '?', '\n'], Math.Max(0, window.Length - 2));
        return sentenceEnd > 0 ? window[(sentenceEnd + 1)..] : window;
    }

    private string StripLinks(string text, IReadOnlyList<Chunk> passages, ref int removed)
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

        // Then every link-shaped token in one pass (so a kept corpus URL is never searched again for domains):
        // URLs with a scheme, e-mail addresses, and bare domains with an optional path.
        HashSet<string>? quoted = null;
        text = LinkToken().Replace(text, m =>
        {
            var token = m.Value.TrimEnd('.', ',', ';', ':', '!', '?', '\'', '"', '>');
            var trailing = m.Value[token.Length..];
            var bare = token.TrimStart('<');
            var keep = m.Groups["scheme"].Success
                ? IsCorpusUrl(bare)
                : IsCorpusHostOrUrl(bare, m.Groups["email"].Success)
                    || (quoted ??= QuotedTokens(passages)).Contains(bare);
            if (keep)
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

    /// <summary>
    /// A scheme-less token is the corpus's when it is an article host on its own ("technologyreview.com") or a whole
    /// article URL without its scheme. A host alone is not enough with a path or for an e-mail address: a corpus host
    /// such as 163.com also serves other people's pages and mailboxes.
    /// </summary>
    private bool IsCorpusHostOrUrl(string token, bool email)
    {
        if (email)
        {
            return false;
        }

        var host = token.Split(['/', '?', '#'], 2)[0];
        var path = token[host.Length..].TrimEnd('/');
        return path.Length == 0
            ? _corpusHosts.Contains(BareHost(host.Split(':', 2)[0]))
            : IsCorpusUrl("https://" + token) || IsCorpusUrl("http://" + token);
    }

    /// <summary>The scheme-less link-shaped tokens of the passages: text the corpus itself says, kept when the model repeats it.</summary>
    private static HashSet<string> QuotedTokens(IReadOnlyList<Chunk> passages) =>
        passages
            .SelectMany(p => LinkToken().Matches(p.Text))
            .Where(m => !m.Groups["scheme"].Success)
            .Select(m => m.Value.TrimEnd('.', ',', ';', ':', '!', '?', '\'', '"', '>').TrimStart('<'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Lower-case host without a leading "www.", so www.example.com and example.com are the same site.</summary>
    private static string BareHost(string host)
    {
        var lower = host.ToLowerInvariant();
        return lower.StartsWith("www.", StringComparison.Ordinal) ? lower[4..] : lower;
    }

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

    /// <summary>
    /// One link-shaped token: a URL with a scheme (<c>https://…</c>, <c>tg://…</c>, <c>mailto:…</c>) up to whitespace, a
    /// bracket or CJK punctuation; an e-mail address; or a domain (labels, a dot and a top-level domain of 2+ letters)
    /// with an optional port and path. ASCII letters, digits, '_' and '-' just before a token, or just after its
    /// domain, mean it is part of a longer word; a CJK character does not ("访问t.me/x" is a link).
    /// </summary>
    [GeneratedRegex(
        @"<?(?<scheme>(?<![A-Za-z0-9+.\-])(?:[a-z][a-z0-9+.\-]{1,15}://|(?:mailto|tg):))[^\s<>()\[\]「」『』（）【】，。、；！？""]+>?"
        + @"|<?(?<email>(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9_\-]))>?"
        + @"|<?(?<domain>(?<![A-Za-z0-9_\-])(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9_\-])(?::\d{1,5})?(?:[/?#][A-Za-z0-9!#$%&'*+,\-./:;=?@_~]*)?)>?",
        RegexOptions.IgnoreCase)]
    private static partial Regex LinkToken();

    [GeneratedRegex(@"\(\s*\)|（\s*）|<\s*>")]
    private static partial Regex EmptyBrackets();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex SpaceRun();

    [GeneratedRegex(@" +([.,;:!?。，；：！？])")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
