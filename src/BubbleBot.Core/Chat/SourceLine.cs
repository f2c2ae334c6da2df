using BubbleBot.Core.Answering;

namespace BubbleBot.Core.Chat;

/// <summary>
/// One line of an answer's source list, as every platform shows it: "[1][3] Title — Author, 2025-12-15 (no public
/// link)", then the article's English summary for English askers. Built once here; adapters add only their markup
/// (a link on the title, escaping, emphasis).
/// </summary>
/// <param name="Link">Where the title links to (the quoted passage where possible); null when the article has no public page.</param>
/// <param name="Byline">"Author, 2025-12-15", or null when neither is known.</param>
/// <param name="NoPublicLink">The "no public link" note in the asker's language, when <paramref name="Link"/> is null.</param>
public sealed record SourceLine(string Markers, string Title, string? Link, string? Byline, string? NoPublicLink, string? About)
{
    public static SourceLine Of(SourceGroup source, AnswerLabels labels)
    {
        var citation = source.Citation;
        var link = citation.Link ?? citation.Url;
        return new SourceLine(source.Markers, citation.Title, link, BylineOf(citation.Author, citation.Published), link is null ? labels.NoPublicLink : null, citation.About);
    }

    /// <summary>"Author, date" from whichever of the two is known; null when neither is.</summary>
    public static string? BylineOf(string? author, string? published)
    {
        var parts = new[] { author, published }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()).ToList();
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>The line without markup, for the console and the command line: "Title — Author, date".</summary>
    public string TitleAndByline => Byline is null ? Title : $"{Title} — {Byline}";
}
