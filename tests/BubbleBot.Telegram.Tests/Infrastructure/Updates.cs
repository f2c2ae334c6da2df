using System.Text.Json.Nodes;

namespace BubbleBot.Telegram.Tests.Infrastructure;

/// <summary>Update JSON as Telegram sends it.</summary>
public static class Updates
{
    public const long PrivateChat = 4242;
    public const long GroupChat = -100777;
    public const long UserId = 31337;

    public static JsonObject Private(int updateId, int messageId, string text, long chatId = PrivateChat, long userId = UserId) =>
        Message(updateId, messageId, text, new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = "Ann" }, userId);

    public static JsonObject Group(int updateId, int messageId, string text, JsonObject? replyTo = null, bool fromBot = false, long chatId = GroupChat) =>
        Message(updateId, messageId, text, new JsonObject { ["id"] = chatId, ["type"] = "supergroup", ["title"] = "Bubble watchers" }, UserId, replyTo, fromBot);

    /// <summary>A message the bot sent earlier, for replies to it.</summary>
    public static JsonObject BotMessage(int messageId, long chatId = GroupChat) => new()
    {
        ["message_id"] = messageId,
        ["date"] = 1760000000,
        ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "supergroup", ["title"] = "Bubble watchers" },
        ["from"] = new JsonObject { ["id"] = FakeBotApi.BotId, ["is_bot"] = true, ["first_name"] = "Bubble", ["username"] = FakeBotApi.BotUsername },
        ["text"] = "An earlier answer",
    };

    /// <summary>A press of an inline button with <paramref name="data"/> under the bot's message <paramref name="messageId"/> in a private chat.</summary>
    public static JsonObject Callback(int updateId, int messageId, string data, long userId = UserId, long chatId = PrivateChat) => new()
    {
        ["update_id"] = updateId,
        ["callback_query"] = new JsonObject
        {
            ["id"] = "cq-" + updateId,
            ["from"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "Ann", ["language_code"] = "en" },
            ["message"] = new JsonObject
            {
                ["message_id"] = messageId,
                ["date"] = 1760000000,
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = "Ann" },
                ["from"] = new JsonObject { ["id"] = FakeBotApi.BotId, ["is_bot"] = true, ["first_name"] = "Bubble", ["username"] = FakeBotApi.BotUsername },
                ["text"] = "An earlier answer",
            },
            ["chat_instance"] = "instance-1",
            ["data"] = data,
        },
    };

    private static JsonObject Message(int updateId, int messageId, string text, JsonObject chat, long userId, JsonObject? replyTo = null, bool fromBot = false)
    {
        var message = new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = 1760000000,
            ["chat"] = chat,
            ["from"] = new JsonObject { ["id"] = fromBot ? 4444 : userId, ["is_bot"] = fromBot, ["first_name"] = "Ann", ["language_code"] = "en" },
            ["text"] = text,
        };
        if (Entities(text) is { Count: > 0 } entities)
        {
            message["entities"] = entities;
        }

        if (replyTo is not null)
        {
            message["reply_to_message"] = replyTo;
        }

        return new JsonObject { ["update_id"] = updateId, ["message"] = message };
    }

    /// <summary>The entities Telegram would attach: a leading bot command and @mentions.</summary>
    private static JsonArray Entities(string text)
    {
        var entities = new JsonArray();
        if (text.StartsWith('/'))
        {
            var end = text.IndexOf(' ');
            entities.Add(new JsonObject { ["type"] = "bot_command", ["offset"] = 0, ["length"] = end < 0 ? text.Length : end });
        }

        for (var at = text.IndexOf('@'); at >= 0; at = text.IndexOf('@', at + 1))
        {
            if (at > 0 && text[at - 1] != ' ')
            {
                continue;
            }

            var end = at + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            entities.Add(new JsonObject { ["type"] = "mention", ["offset"] = at, ["length"] = end - at });
        }

        return entities;
    }
}
