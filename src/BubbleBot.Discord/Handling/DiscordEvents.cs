using System.Text.Json;
using System.Text.RegularExpressions;
using BubbleBot.Discord.Rest;

namespace BubbleBot.Discord.Handling;

/// <summary>A message the bot should answer, already stripped of the mention that addressed it.</summary>
internal sealed record IncomingMessage(string Id, string ChannelId, string? GuildId, string AuthorId, string Text, string ConversationKey);

/// <summary>A slash command, copied out of the gateway payload so the payload can be released at once.</summary>
internal sealed record IncomingInteraction(
    string Id,
    string Token,
    string ApplicationId,
    string ChannelId,
    string? GuildId,
    string UserId,
    string CommandName,
    string? Question,
    string? Locale)
{
    /// <summary>/sides: both sides of the debate, on <see cref="Question"/> as topic when given.</summary>
    public bool BothSides => CommandName == "sides";
}

/// <summary>A press of a button (message component) on one of the bot's messages.</summary>
internal sealed record IncomingComponent(string Id, string Token, string? GuildId, string UserId, string CustomId);

/// <summary>Reads MESSAGE_CREATE and INTERACTION_CREATE payloads and decides which deserve an answer.</summary>
internal static partial class DiscordEvents
{
    public static string UserKey(string userId) => "discord:" + userId;

    public static string MessageConversation(string messageId) => "discord:msg:" + messageId;

    public static string AskConversation(string channelId, string userId) => $"discord:ask:{channelId}:{userId}";

    /// <summary>
    /// The message as a question for the bot, or null when it is not for the bot: from a bot (or itself), from a
    /// guild not allowed, or in a guild channel without mentioning the bot or replying to it.
    /// </summary>
    /// <param name="answerAll">The message is in an answer channel (<c>Discord:AnswerChannelIds</c>): no mention needed.</param>
    public static IncomingMessage? ParseMessage(JsonElement d, string botUserId, DiscordOptions options, bool answerAll = false)
    {
        var author = d.GetObject("author");
        var authorId = author?.GetString("id");
        var id = d.GetString("id");
        var channelId = d.GetString("channel_id");
        if (author is null || authorId is null || id is null || channelId is null
            || authorId == botUserId || author.Value.GetBool("bot") || d.GetString("webhook_id") is not null)
        {
            return null;
        }

        // 0 = default, 19 = reply; joins, pins and other system messages are not questions.
        var type = d.GetInt("type") ?? 0;
        if (type is not (0 or 19))
        {
            return null;
        }

        var content = d.GetString("content") ?? string.Empty;
        var guildId = d.GetString("guild_id");
        var text = StripMention(content, botUserId);
        if (guildId is null)
        {
            return new IncomingMessage(id, channelId, null, authorId, text, "discord:dm:" + channelId);
        }

        if (!options.IsGuildAllowed(guildId))
        {
            return null;
        }

        var repliedTo = d.GetObject("referenced_message");
        var replyToBot = repliedTo?.GetObject("author")?.GetString("id") == botUserId;
        var mentioned = Mentions(d, botUserId) || text.Length != content.Trim().Length;
        if (!mentioned && !(replyToBot && text.Length > 0) && !(answerAll && text.Length > 0))
        {
            return null;
        }

        // A reply to one of the bot's answers continues that answer's conversation.
        var conversation = replyToBot && repliedTo?.GetString("id") is { } answerId
            ? MessageConversation(answerId)
            : MessageConversation(id);
        return new IncomingMessage(id, channelId, guildId, authorId, text, conversation);
    }

    public static IncomingInteraction? ParseInteraction(JsonElement d)
    {
        // 2 = application command; components and autocomplete are not used by this bot.
        if (d.GetInt("type") != 2 || d.GetObject("data") is not { } data)
        {
            return null;
        }

        var id = d.GetString("id");
        var token = d.GetString("token");
        var applicationId = d.GetString("application_id");
        var channelId = d.GetString("channel_id") ?? d.GetObject("channel")?.GetString("id");
        var user = d.GetObject("member")?.GetObject("user") ?? d.GetObject("user");
        var userId = user?.GetString("id");
        var name = data.GetString("name");
        if (id is null || token is null || applicationId is null || channelId is null || userId is null || name is null)
        {
            return null;
        }

        string? question = null;
        if (data.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Array)
        {
            foreach (var option in options.EnumerateArray())
            {
                // /ask's question, or /sides' optional topic.
                if (option.GetString("name") is "question" or "topic")
                {
                    question = option.GetString("value");
                }
            }
        }

        return new IncomingInteraction(id, token, applicationId, channelId, d.GetString("guild_id"), userId, name, question, d.GetString("locale"));
    }

    /// <summary>A button press (interaction type 3, component type 2), or null.</summary>
    public static IncomingComponent? ParseComponent(JsonElement d)
    {
        if (d.GetInt("type") != 3 || d.GetObject("data") is not { } data || data.GetInt("component_type") != 2)
        {
            return null;
        }

        var id = d.GetString("id");
        var token = d.GetString("token");
        var userId = (d.GetObject("member")?.GetObject("user") ?? d.GetObject("user"))?.GetString("id");
        var customId = data.GetString("custom_id");
        return id is null || token is null || userId is null || customId is null
            ? null
            : new IncomingComponent(id, token, d.GetString("guild_id"), userId, customId);
    }

    public static string StripMention(string content, string botUserId) =>
        MentionPattern().Replace(content, m => m.Groups["id"].Value == botUserId ? " " : m.Value).Trim();

    private static bool Mentions(JsonElement d, string botUserId)
    {
        if (!d.TryGetProperty("mentions", out var mentions) || mentions.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var user in mentions.EnumerateArray())
        {
            if (user.GetString("id") == botUserId)
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"<@!?(?<id>\d+)>")]
    private static partial Regex MentionPattern();
}
