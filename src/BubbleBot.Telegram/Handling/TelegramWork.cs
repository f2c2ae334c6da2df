using BubbleBot.Core.Chat;
using BubbleBot.Core.Text;
using BubbleBot.Telegram.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;

namespace BubbleBot.Telegram.Handling;

/// <summary>What an admitted update asks the handler to do, decided on arrival (before any queue slot or API call).</summary>
internal abstract record TelegramWork(Message Message)
{
    /// <summary>A short notice (the rate-limit or "busy" reply) instead of an answer.</summary>
    public sealed record Notice(Message Message, string Text) : TelegramWork(Message);

    public sealed record Command(Message Message, AnswerLanguage Language, BotCommandKind Kind) : TelegramWork(Message);

    /// <summary>A 👍 / 👎 pressed under the answer <paramref name="Message"/>: one vote per user per answer, changeable.</summary>
    public sealed record Vote(Message Message, string QueryId, string UserKey, AnswerLanguage Language, string AnswerId, int Value) : TelegramWork(Message);

    /// <summary>A question holding a place in the shared answering stage.</summary>
    public sealed record Question(Message Message, string UserKey, Route.Question Route, AnsweringStage.StageTicket Ticket) : TelegramWork(Message);
}

/// <summary>
/// Admission for Telegram, on arrival: who sent it (bots ignored, but an anonymous group admin or a post sent as a
/// channel answered), the chat allow-list, the route, the per-user flood guard for questions and commands alike, and
/// a place in the shared answering stage. Nothing here calls Telegram, so it is cheap enough for every update.
/// </summary>
internal sealed class TelegramAdmission(
    IServiceScopeFactory scopes,
    AnsweringStage stage,
    IOptions<TelegramOptions> options,
    ILogger<TelegramAdmission> logger)
{
    /// <summary>Telegram's account behind anonymous group admins ("Group" shown as the sender).</summary>
    public const long GroupAnonymousBotId = 1087968824;

    /// <summary>Null when the update needs nothing from the bot.</summary>
    public TelegramWork? Admit(Update update, BotIdentity bot)
    {
        if (update.CallbackQuery is { } query)
        {
            return AdmitVote(query);
        }

        if (update.Message is not { } message)
        {
            return null;
        }

        // Anonymous admins and posts sent as a channel arrive with sender_chat (and from = GroupAnonymousBot or the
        // channel's service account); they are people, so they are answered, rate-limited per sender chat.
        var from = message.From;
        var senderChat = message.SenderChat;
        if (senderChat is null && (from is null || from.IsBot))
        {
            Log.IgnoredBot(logger, from?.Id ?? 0, message.Chat.Id);
            return null;
        }

        if (!ChatAllowed(message.Chat.Id))
        {
            Log.ChatNotAllowed(logger, message.Chat.Id);
            return null;
        }

        var userKey = senderChat is not null ? $"telegram:chat:{senderChat.Id}" : $"telegram:{from!.Id}";
        var route = RouteOf(message, bot);
        if (route is Route.Ignore)
        {
            return null;
        }

        // The report is for the configured admins, in a private chat; anyone else's /report is ignored.
        if (route is Route.Command { Kind: BotCommandKind.Report }
            && (message.Chat.Type != global::Telegram.Bot.Types.Enums.ChatType.Private || senderChat is not null || !options.Value.AdminUserIds.Contains(from!.Id)))
        {
            return null;
        }

        var text = route is Route.Question q ? q.Text : message.Text ?? string.Empty;
        using (var scope = scopes.CreateScope())
        {
            var pipeline = scope.ServiceProvider.GetRequiredService<ChatPipeline>();
            switch (pipeline.Admit(new IncomingQuestion(userKey, "telegram:admission", text)))
            {
                case ChatReply.Notice notice:
                    return new TelegramWork.Notice(message, Rendering.TelegramRenderer.Notice(notice.Text));
                case ChatReply.Silent:
                    return null;
            }
        }

        switch (route)
        {
            case Route.Command command:
                return new TelegramWork.Command(message, UpdateHandler.LanguageOf(from), command.Kind);
            case Route.Question question:
                if (stage.TryReserve(userKey, out var ticket) is Admission.Accepted && ticket is not null)
                {
                    return new TelegramWork.Question(message, userKey, question, ticket);
                }

                Log.Busy(logger, message.Chat.Id);
                return new TelegramWork.Notice(message, Rendering.TelegramRenderer.Notice(ChatPipeline.Busy(question.Text).Text));
            default:
                return null;
        }
    }

    /// <summary>
    /// The question <paramref name="message"/> asks the bot, if it is one Admit would answer as a question (a person,
    /// an allowed chat, a question route); null otherwise. No side effects: no rate-limit token, no stage place, no log.
    /// For telling the asker of a question that cannot be queued that the bot is busy.
    /// </summary>
    public string? QuestionOf(Message message, BotIdentity bot)
    {
        if ((message.SenderChat is null && (message.From is null || message.From.IsBot)) || !ChatAllowed(message.Chat.Id))
        {
            return null;
        }

        return RouteOf(message, bot) is Route.Question question ? question.Text : null;
    }

    private bool ChatAllowed(long chatId) => options.Value.AllowedChatIds is not { Count: > 0 } allowed || allowed.Contains(chatId);

    private Route RouteOf(Message message, BotIdentity bot)
    {
        var route = MessageRouter.Route(message, bot);
        if (route is Route.Ignore && options.Value.AnswerAllInChatIds.Contains(message.Chat.Id)
            && message.Text is { } all && !all.StartsWith('/') && QuestionLike.Is(all))
        {
            // An answer group: questions are answered without being addressed to the bot.
            route = new Route.Question(all.Trim(), ReplyToBot: false);
        }

        return route;
    }

    /// <summary>
    /// Votes are not rate-limited like questions: they cost one answerCallbackQuery, and the keyboard is edited only
    /// when the user's vote changed.
    /// </summary>
    private TelegramWork? AdmitVote(CallbackQuery query)
    {
        if (query.Message is not { } message || query.From.IsBot || !Rendering.VoteKeyboard.TryParse(query.Data, out var answerId, out var value))
        {
            return null;
        }

        if (!ChatAllowed(message.Chat.Id))
        {
            Log.ChatNotAllowed(logger, message.Chat.Id);
            return null;
        }

        return new TelegramWork.Vote(message, query.Id, $"telegram:{query.From.Id}", UpdateHandler.LanguageOf(query.From), answerId, value);
    }
}
