using BubbleBot.Core.Chat;
using BubbleBot.Core.Text;
using System.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;

namespace BubbleBot.Telegram.Rendering;

/// <summary>Turns core replies and catalog listings into Telegram HTML. Every corpus or user string is escaped here.</summary>
internal static class TelegramRenderer
{
    public static string Answer(Answer answer, string? note)
    {
        var labels = AnswerLabels.For(answer.Language);
        var html = new StringBuilder();
        if (note is not null)
        {
            html.Append("<i>").Append(Html.Escape(note)).Append("</i>\n\n");
        }

        html.Append(Html.Escape(answer.Text.Trim()));
        if (answer.Citations.Count > 0)
        {
            html.Append("\n\n<b>").Append(Html.Escape(labels.Sources)).Append("</b>");
            foreach (var source in answer.Sources)
            {
                html.Append('\n').Append(Source(source, labels));
            }
        }

        return html.ToString();
    }

    /// <summary>One cited article: the shared <see cref="SourceLine"/> in HTML, the title linked where the article is public.</summary>
    public static string Source(SourceGroup source, AnswerLabels labels)
    {
        var parts = SourceLine.Of(source, labels);
        var line = new StringBuilder();
        line.Append(parts.Markers).Append(' ').Append(Html.Link(parts.Link, parts.Title));
        if (parts.Byline is { } byline)
        {
            line.Append(" — ").Append(Html.Escape(byline));
        }

        if (parts.NoPublicLink is { } note)
        {
            line.Append(" (").Append(Html.Escape(note)).Append(')');
        }

        if (parts.About is { } about)
        {
            line.Append("\n<i>").Append(Html.Escape(about)).Append("</i>");
        }

        return line.ToString();
    }

    public static string Notice(string text) => Html.Escape(text);

    /// <summary>/start and /help: what the bot knows and how to ask, in private chats and in groups.</summary>
    public static string Help(IReadOnlyList<Article> articles, AnswerLanguage language, string? botUsername)
    {
        var labels = AnswerLabels.For(language);
        var html = new StringBuilder();
        html.Append(Html.Escape(labels.CoveredTopics)).Append('\n');
        foreach (var article in articles)
        {
            html.Append("• ").Append(Html.Escape(article.Title));
            if (!string.IsNullOrWhiteSpace(article.TitleEn) && article.TitleEn != article.Title)
            {
                html.Append(" (").Append(Html.Escape(article.TitleEn)).Append(')');
            }

            html.Append('\n');
        }

        html.Append('\n').Append(Html.Escape(labels.Usage)).Append("\n\n");
        var name = string.IsNullOrEmpty(botUsername) ? "" : "@" + botUsername;
        html.Append(Html.Escape(
            $"In a private chat, just send your question. In a group, write /ask{name} followed by your question, mention {(name.Length > 0 ? name : "me")}, or reply to one of my messages. /sides{name} (optionally with a topic) shows both sides of the debate; /sources lists the articles with their links."));
        return html.ToString();
    }

    /// <summary>/sources: every article with its link, author and date.</summary>
    public static string Sources(IReadOnlyList<Article> articles, AnswerLanguage language)
    {
        var labels = AnswerLabels.For(language);
        var html = new StringBuilder();
        html.Append("<b>").Append(Html.Escape(labels.SourcesListIntro)).Append("</b>");
        var n = 1;
        foreach (var article in articles)
        {
            html.Append('\n').Append(n++).Append(". ").Append(Html.Link(article.Url, article.Title));
            AppendByline(html, article.Author, article.Published);
            if (article.Url is null)
            {
                html.Append(" (").Append(Html.Escape(labels.NoPublicLink)).Append(')');
            }
        }

        return html.ToString();
    }

    private static void AppendByline(StringBuilder html, string? author, string? published)
    {
        if (SourceLine.BylineOf(author, published) is { } byline)
        {
            html.Append(" — ").Append(Html.Escape(byline));
        }
    }
}
