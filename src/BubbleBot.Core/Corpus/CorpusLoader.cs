using Microsoft.Extensions.Logging;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace BubbleBot.Core.Corpus;

/// <summary>
/// Reads every <c>*.md</c> article of a folder. A file with broken front matter, or without id or title, is skipped
/// with one log line naming it; two files with the same id stop the load with an error naming both.
/// </summary>
public sealed partial class CorpusLoader(ILogger<CorpusLoader> logger)
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public IReadOnlyList<Article> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CorpusException($"Corpus folder '{directory}' does not exist (set Corpus:Path).");
        }

        var articles = new List<Article>();
        var byId = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var files = Directory.EnumerateFiles(directory, "*.md", SearchOption.TopDirectoryOnly)
            .Where(IsArticleFile)
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!TryParse(file, File.ReadAllText(file), out var article, out var problem))
            {
                Log.SkippedFile(logger, file, problem);
                continue;
            }

            foreach (var skipped in article.SkippedClaims)
            {
                Log.SkippedClaim(logger, file, skipped);
            }

            if (byId.TryGetValue(article.Id, out var first))
            {
                throw new CorpusException($"Two corpus files have the id '{article.Id}': '{first}' and '{file}'.");
            }

            byId[article.Id] = file;
            articles.Add(article);
        }

        Log.Loaded(logger, articles.Count, directory);
        return articles;
    }

    /// <summary>Files that document the folder (README.md) or start with '_' are not articles.</summary>
    private static bool IsArticleFile(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('_') && !name.Equals("README.md", StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryParse(string path, string content, out Article article, out string problem)
    {
        article = null!;
        content = content.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        if (!content.StartsWith("---\n", StringComparison.Ordinal))
        {
            problem = "no front matter (the file must start with a '---' line)";
            return false;
        }

        var end = content.IndexOf("\n---", 3, StringComparison.Ordinal);
        if (end < 0)
        {
            problem = "front matter is not closed by a '---' line";
            return false;
        }

        FrontMatter? meta;
        try
        {
            meta = Yaml.Deserialize<FrontMatter>(content[4..(end + 1)]);
        }
        catch (YamlException ex)
        {
            problem = $"front matter is not valid YAML ({ex.Start}: {ex.InnerException?.Message ?? ex.Message})";
            return false;
        }

        if (string.IsNullOrWhiteSpace(meta?.Id) || string.IsNullOrWhiteSpace(meta.Title))
        {
            problem = "front matter needs an id and a title";
            return false;
        }

        var bodyStart = content.IndexOf('\n', end + 4);
        var body = bodyStart < 0 ? string.Empty : content[(bodyStart + 1)..].Trim();
        if (body.Length == 0)
        {
            problem = "the article has no text after the front matter";
            return false;
        }

        if (meta.Url is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            problem = $"url '{url}' is not an absolute URL";
            return false;
        }

        var (claims, skippedClaims) = ReadClaims(meta.Claims, body);
        article = new Article(
            Id: meta.Id.Trim(),
            Title: meta.Title.Trim(),
            TitleEn: meta.TitleEn,
            Author: meta.Author ?? "unknown",
            Published: meta.Published,
            Language: meta.Language ?? "zh",
            Source: meta.Source,
            Url: string.IsNullOrWhiteSpace(meta.Url) ? null : meta.Url.Trim(),
            Alternates: meta.Alternates ?? new Dictionary<string, string>(),
            SummaryEn: meta.SummaryEn,
            UrlCarriesCorpusText: meta.UrlMatchesText,
            Body: body,
            FilePath: path)
        {
            Aliases = [.. (meta.Aliases ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim())],
            SpeakerSpellings = (meta.Speakers ?? []).Where(s => !string.IsNullOrWhiteSpace(s.Key))
                .ToDictionary(s => s.Key.Trim(), s => (IReadOnlyList<string>)[.. (s.Value ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim())], StringComparer.Ordinal),
            Claims = claims,
            SkippedClaims = skippedClaims,
        };
        problem = string.Empty;
        return true;
    }

    /// <summary>
    /// Keeps the claims whose quote occurs in the body (compared after folding scripts, so a claim written in either
    /// script still points at the verbatim text) and whose stance is known; the rest are reported, one line each.
    /// </summary>
    private static (List<Claim> Claims, List<string> Skipped) ReadClaims(List<ClaimEntry>? entries, string body)
    {
        var claims = new List<Claim>();
        var skipped = new List<string>();
        var foldedBody = Text.ScriptFolder.Fold(body);
        foreach (var entry in entries ?? [])
        {
            var quote = entry.Quote?.Trim() ?? string.Empty;
            if (!TryParseStance(entry.Stance, out var stance))
            {
                skipped.Add($"claim stance '{entry.Stance}' is not bubble, not-bubble or mixed");
                continue;
            }

            // Folding is one character for one character, so an offset in the folded body is an offset in the body.
            var at = quote.Length == 0 ? -1 : foldedBody.IndexOf(Text.ScriptFolder.Fold(quote), StringComparison.Ordinal);
            if (at < 0)
            {
                skipped.Add($"claim quote '{Shorten(quote)}' does not occur in the body");
                continue;
            }

            claims.Add(new Claim(stance, body.Substring(at, quote.Length), at));
        }

        return (claims, skipped);
    }

    private static bool TryParseStance(string? text, out Stance stance)
    {
        stance = text?.Trim().ToLowerInvariant() switch
        {
            "bubble" => Stance.Bubble,
            "not-bubble" or "not_bubble" => Stance.NotBubble,
            "mixed" => Stance.Mixed,
            _ => (Stance)(-1),
        };
        return Enum.IsDefined(stance);
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";

    private sealed class FrontMatter
    {
        public string? Id { get; set; }

        public string? Title { get; set; }

        public string? TitleEn { get; set; }

        public string? Author { get; set; }

        public string? Published { get; set; }

        public string? Language { get; set; }

        public string? Source { get; set; }

        public string? Url { get; set; }

        public bool UrlMatchesText { get; set; }

        public Dictionary<string, string>? Alternates { get; set; }

        public string? SummaryEn { get; set; }

        public List<string>? Aliases { get; set; }

        public Dictionary<string, List<string>?>? Speakers { get; set; }

        public List<ClaimEntry>? Claims { get; set; }
    }

    private sealed class ClaimEntry
    {
        public string? Stance { get; set; }

        public string? Quote { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Skipped corpus file {File}: {Problem}")]
        public static partial void SkippedFile(ILogger logger, string file, string problem);

        [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Skipped a claim in {File}: {Problem}")]
        public static partial void SkippedClaim(ILogger logger, string file, string problem);

        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Loaded {Count} articles from {Directory}")]
        public static partial void Loaded(ILogger logger, int count, string directory);
    }
}
