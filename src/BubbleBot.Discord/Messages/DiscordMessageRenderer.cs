using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;

namespace BubbleBot.Discord.Messages;

/// <summary>Turns answers, notices and the article list into Discord messages that respect Discord's limits.</summary>
internal static class DiscordMessageRenderer
{
    public const int AnswerColor = 0x5865F2;

    // Sources come first in the budget: an answer without its sources cannot be checked.
    private const int MaxSourcesLength = 2500;
    private const int MaxTitleInList = 200;

    /// <summary>
    /// An answer as one message when it fits, else as several: the text split at sentence ends (one embed per message,
    /// nothing trimmed), the sources in the last message. The note (a cut question) goes with the first.
    /// </summary>
    public static IReadOnlyList<MessagePayload> Answer(Answer answer, string? note)
    {
        var labels = AnswerLabels.For(answer.Language);
        var text = Markdown.Escape(answer.Text.Trim());
        var content = string.IsNullOrWhiteSpace(note) ? null : TextCut.ToLength(Markdown.Escape(note), DiscordLimits.Content);

        var sourceLines = answer.Sources.Select(s => SourceLine(s, labels)).ToList();
        var sources = sourceLines.Count == 0
            ? string.Empty
            : $"**{labels.Sources}**\n" + TextCut.JoinLines(sourceLines, MaxSourcesLength);

        // The answer text already opens with its framing line (AnswerLabels.Intro), so the embeds have no title.
        var combined = sources.Length == 0 ? text : text + "\n\n" + sources;
        if (combined.Length <= DiscordLimits.EmbedDescription)
        {
            return [new MessagePayload(content, [new Embed(null, combined, AnswerColor)])];
        }

        var parts = TextCut.Split(text, DiscordLimits.EmbedDescription);
        var messages = parts.Select((part, i) => new MessagePayload(i == 0 ? content : null, [new Embed(null, part, AnswerColor)])).ToList();
        var sourcesEmbed = new Embed(null, sources, AnswerColor);
        if (sources.Length == 0)
        {
            return messages;
        }

        // Sources join the last part as a second embed where the 6,000-character total allows, else follow on their own.
        var last = messages[^1];
        if (last.Embeds![0].CountedLength + sourcesEmbed.CountedLength <= DiscordLimits.EmbedsTotal)
        {
            messages[^1] = last with { Embeds = [last.Embeds[0], sourcesEmbed] };
        }
        else
        {
            messages.Add(new MessagePayload(null, [sourcesEmbed]));
        }

        return messages;
    }

    /// <summary>The operator's report as one embed (cut at a line end if it is ever longer than an embed allows).</summary>
    public static MessagePayload Report(string text) =>
        new(null, [new Embed(null, TextCut.ToLength(Markdown.Escape(text), DiscordLimits.EmbedDescription), AnswerColor)], Flags: MessagePayload.Ephemeral);

    public static MessagePayload Notice(string text, int? flags = null) =>
        new(TextCut.ToLength(Markdown.Escape(text), DiscordLimits.Content), Flags: flags);

    public static MessagePayload Sources(IReadOnlyList<Article> articles, AnswerLabels labels, int? flags = null)
    {
        var lines = articles.Select(a => ArticleLine(a, labels)).ToList();
        var embeds = new List<Embed>();
        var used = 0;
        var index = 0;
        while (index < lines.Count && embeds.Count < DiscordLimits.EmbedsPerMessage)
        {
            var title = embeds.Count == 0 ? TextCut.ToLength(labels.SourcesListIntro, DiscordLimits.EmbedTitle) : null;
            var budget = Math.Min(DiscordLimits.EmbedDescription, DiscordLimits.EmbedsTotal - used - (title?.Length ?? 0));
            var taken = new List<string>();
            var length = 0;
            while (index < lines.Count && length + lines[index].Length + 1 <= budget - (TextCut.Ellipsis.Length + 1))
            {
                length += lines[index].Length + 1;
                taken.Add(lines[index++]);
            }

            if (taken.Count == 0)
            {
                break;
            }

            var isLastRoom = embeds.Count == DiscordLimits.EmbedsPerMessage - 1
                || DiscordLimits.EmbedsTotal - used - length - (title?.Length ?? 0) < 200;
            if (index < lines.Count && isLastRoom)
            {
                taken.Add(TextCut.Ellipsis);
            }

            var description = string.Join('\n', taken);
            embeds.Add(new Embed(title, description, AnswerColor));
            used += description.Length + (title?.Length ?? 0);
            if (isLastRoom)
            {
                break;
            }
        }

        return embeds.Count == 0 ? Notice(labels.SourcesListIntro, flags) : new MessagePayload(null, embeds, Flags: flags);
    }

    public static AnswerLabels LabelsForLocale(string? locale) => AnswerLabels.For(BubbleBot.Core.Chat.ChatTexts.LanguageOfLocale(locale));

    /// <summary>One cited article: the shared <see cref="Core.Chat.SourceLine"/> in Discord markdown.</summary>
    private static string SourceLine(SourceGroup source, AnswerLabels labels)
    {
        var parts = Core.Chat.SourceLine.Of(source, labels);
        var title = TextCut.ToLength(parts.Title, MaxTitleInList);
        var head = parts.Link is { } link ? Markdown.Link(title, link) : Markdown.EscapeLinkText(title);
        var byline = parts.Byline is { } text ? " — " + Markdown.Escape(text) : string.Empty;
        var note = parts.NoPublicLink is { } missing ? $" ({missing})" : string.Empty;
        var about = parts.About is { } summary ? "\n*" + Markdown.Escape(summary) + "*" : string.Empty;
        return $"**{parts.Markers}** {head}{byline}{note}{about}";
    }

    private static string ArticleLine(Article article, AnswerLabels labels)
    {
        var title = article.TitleEn is { Length: > 0 } english && english != article.Title
            ? $"{article.Title} ({english})"
            : article.Title;
        title = TextCut.ToLength(title, MaxTitleInList);
        var head = article.Url is null ? $"{Markdown.EscapeLinkText(title)} ({labels.NoPublicLink})" : Markdown.Link(title, article.Url);
        return $"• {head}{Byline(article.Author, article.Published)}";
    }

    private static string Byline(string? author, string? published) =>
        Core.Chat.SourceLine.BylineOf(author, published) is { } byline ? " — " + Markdown.Escape(byline) : string.Empty;
}
