using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace BubbleBot.Telegram.Handling;

/// <summary>Who the bot is, learned once from getMe: needed to tell "/ask@ThisBot" and mentions from other bots'.</summary>
public sealed record BotIdentity(long Id, string Username);

internal enum BotCommandKind
{
    Help,
    Sources,

    /// <summary>The operator's feedback report; only for <c>Telegram:AdminUserIds</c>, in a private chat.</summary>
    Report,
}

/// <summary>What a message asks of the bot.</summary>
internal abstract record Route
{
    private Route()
    {
    }

    /// <summary>Not for this bot (another bot's command, ordinary group chat, no text).</summary>
    public sealed record Ignore : Route;

    public sealed record Command(BotCommandKind Kind) : Route;

    /// <summary>A question; <paramref name="ReplyToBot"/> marks a reply to one of the bot's messages (a follow-up).</summary>
    /// <param name="BothSides">Sent as /sides: both sides of the debate, on <paramref name="Text"/> as topic if any.</param>
    public sealed record Question(string Text, bool ReplyToBot, bool BothSides = false) : Route;
}

/// <summary>
/// Decides whether a message is for the bot. Private chat: everything is. Groups: /ask or /sides (optionally
/// /ask@ThisBot), a mention of @ThisBot, or a reply to the bot; commands addressed to another bot never are.
/// </summary>
internal static class MessageRouter
{
    public static Route Route(Message message, BotIdentity bot)
    {
        var text = message.Text;
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Route.Ignore();
        }

        var isPrivate = message.Chat.Type == ChatType.Private;
        var replyToBot = message.ReplyToMessage?.From?.Id == bot.Id;
        var command = message.Entities?.FirstOrDefault(e => e.Type == MessageEntityType.BotCommand && e.Offset == 0);
        if (command is not null)
        {
            var (name, target) = SplitCommand(text.Substring(command.Offset, command.Length));
            if (target is not null && !string.Equals(target, bot.Username, StringComparison.OrdinalIgnoreCase))
            {
                return new Route.Ignore();
            }

            var rest = text[(command.Offset + command.Length)..].Trim();
            switch (name.ToLowerInvariant())
            {
                case "ask":
                    return new Route.Question(rest, replyToBot);
                case "sides":
                    return new Route.Question(rest, replyToBot, BothSides: true);
                case "start":
                case "help":
                    return new Route.Command(BotCommandKind.Help);
                case "sources":
                    return new Route.Command(BotCommandKind.Sources);
                case "report":
                    return new Route.Command(BotCommandKind.Report);
                default:
                    // Unknown commands: in a private chat explain what works; in a group they may be another bot's.
                    return isPrivate ? new Route.Command(BotCommandKind.Help) : new Route.Ignore();
            }
        }

        if (isPrivate)
        {
            return new Route.Question(text.Trim(), replyToBot);
        }

        if (TryRemoveMention(message, text, bot, out var withoutMention))
        {
            return new Route.Question(withoutMention, replyToBot);
        }

        return replyToBot ? new Route.Question(text.Trim(), true) : new Route.Ignore();
    }

    private static (string Name, string? Target) SplitCommand(string command)
    {
        var body = command.TrimStart('/');
        var at = body.IndexOf('@');
        return at < 0 ? (body, null) : (body[..at], body[(at + 1)..]);
    }

    /// <summary>Finds "@ThisBot" (or a text mention of the bot's user) and returns the text without it.</summary>
    private static bool TryRemoveMention(Message message, string text, BotIdentity bot, out string question)
    {
        question = string.Empty;
        foreach (var entity in message.Entities ?? [])
        {
            if (entity.Offset < 0 || entity.Offset + entity.Length > text.Length)
            {
                continue;
            }

            var value = text.Substring(entity.Offset, entity.Length);
            var isUs = entity.Type switch
            {
                MessageEntityType.Mention => string.Equals(value.TrimStart('@'), bot.Username, StringComparison.OrdinalIgnoreCase),
                MessageEntityType.TextMention => entity.User?.Id == bot.Id,
                _ => false,
            };
            if (isUs)
            {
                question = (text[..entity.Offset] + " " + text[(entity.Offset + entity.Length)..]).Trim().TrimStart(',', ':').Trim();
                return true;
            }
        }

        return false;
    }
}
