using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Feedback;
using BubbleBot.Core.Text;
using BubbleBot.Telegram.Client;
using BubbleBot.Telegram.Configuration;
using BubbleBot.Telegram.Rendering;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace BubbleBot.Telegram.Handling;

/// <summary>Handles one update: decides whether it is for the bot, asks the core, and replies in HTML.</summary>
internal sealed class UpdateHandler(
    TelegramApi api,
    BotIdentityProvider identity,
    ChatPipeline pipeline,
    IArticleCatalog catalog,
    FeedbackRecorder feedback,
    FeedbackReporter reporter,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<UpdateHandler> logger)
{
    // Telegram shows "typing" for about five seconds; renew it a little sooner while the answer is prepared.
    private static readonly TimeSpan TypingRenewal = TimeSpan.FromSeconds(4);

    private static readonly TimeSpan ApologyDeadline = TimeSpan.FromSeconds(5);

    /// <summary>The period of <c>/report</c> in chat (the command line takes <c>--since</c>).</summary>
    private static readonly TimeSpan ReportPeriod = TimeSpan.FromDays(7);

    /// <summary>
    /// Does what admission decided. A question already holds its slot in the shared answering stage (the dispatcher
    /// runs it there); <paramref name="drain"/> is the stage's drain deadline, after which it apologises instead.
    /// </summary>
    public async Task HandleAsync(TelegramWork work, CancellationToken cancellationToken, CancellationToken drain = default)
    {
        switch (work)
        {
            case TelegramWork.Notice notice:
                await SendAsync(notice.Message, notice.Text, cancellationToken).ConfigureAwait(false);
                break;
            case TelegramWork.Command command:
                var bot = await identity.GetAsync(cancellationToken).ConfigureAwait(false);
                var html = command.Kind switch
                {
                    BotCommandKind.Help => TelegramRenderer.Help(catalog.Articles, command.Language, bot.Username),
                    BotCommandKind.Report => TelegramRenderer.Notice(await ReportTextAsync(cancellationToken).ConfigureAwait(false)),
                    _ => TelegramRenderer.Sources(catalog.Articles, command.Language),
                };
                await SendAsync(command.Message, html, cancellationToken).ConfigureAwait(false);
                break;
            case TelegramWork.Vote vote:
                await VoteAsync(vote, cancellationToken).ConfigureAwait(false);
                break;
            case TelegramWork.Question question:
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await AnswerAsync(question.Message, question.UserKey, question.Route, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (drain.IsCancellationRequested)
                {
                    // Shutdown's drain deadline passed: the accepted question still gets an apology, not silence. Whatever
                    // the cut-off answer threw counts, not only a cancellation: a cancelled call can surface as another
                    // failure (Telegram.Bot reports a call cancelled while it reads the response as RequestException).
                    if (exception is not OperationCanceledException)
                    {
                        Log.AnswerFailed(logger, exception, question.Message.Id, question.Message.Chat.Id);
                    }

                    using var deadline = new CancellationTokenSource(ApologyDeadline, time);
                    await SendAsync(question.Message, TelegramRenderer.Notice(ChatTexts.ApologyFor(question.Route.Text)), deadline.Token).ConfigureAwait(false);
                }

                break;
        }
    }

    private async Task AnswerAsync(Message message, string userKey, Route.Question question, CancellationToken cancellationToken)
    {
        Log.Answering(logger, message.Id, message.Chat.Id, message.Chat.Type.ToString());
        var conversation = ConversationKey(message, question.ReplyToBot);
        ChatReply? reply;
        // The first indicator goes out before the answer is prepared, so even a quick answer is preceded by it.
        await SendTypingAsync(message.Chat.Id, cancellationToken).ConfigureAwait(false);
        using (var typing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var indicator = KeepTypingAsync(message.Chat.Id, typing.Token);
            try
            {
                reply = await pipeline.AnswerAdmittedAsync(new IncomingQuestion(userKey, conversation, question.Text, BothSides: question.BothSides, Platform: "telegram", Chat: message.Chat.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Anything but our own cancellation (time limit, shutdown) is a failed answer: never leave the user with "typing…" and nothing.
                Log.AnswerFailed(logger, exception, message.Id, message.Chat.Id);
                reply = null;
            }
            finally
            {
                await typing.CancelAsync().ConfigureAwait(false);
                await indicator.ConfigureAwait(false);
            }
        }

        if (reply is null)
        {
            await SendAsync(message, TelegramRenderer.Notice(ChatTexts.ApologyFor(question.Text)), cancellationToken).ConfigureAwait(false);
            return;
        }

        // A handler given up by the update time limit may come back here later; it must not reply any more.
        cancellationToken.ThrowIfCancellationRequested();

        var html = reply switch
        {
            ChatReply.Answered { Answer.NoAnswer: true } refused when message.Chat.Type != ChatType.Private && options.Value.EscalationUsername is { Length: > 0 } helper =>
                // In a group, a question the bot cannot answer is handed to the configured helper by mentioning them.
                TelegramRenderer.Answer(refused.Answer, refused.Note) + "\n\n"
                    + Html.Escape(ChatTexts.Escalation(refused.Answer.Language, "@" + helper.TrimStart('@'))),
            ChatReply.Answered answered => TelegramRenderer.Answer(answered.Answer, answered.Note),
            ChatReply.Notice notice => TelegramRenderer.Notice(notice.Text),
            _ => null,
        };
        if (html is null)
        {
            return;
        }

        // Votes are asked for on answers only: a refusal is already counted in the operator's report.
        var keyboard = reply is ChatReply.Answered { AnswerId: { } answerId, Answer.NoAnswer: false } ? VoteKeyboard.For(answerId) : null;
        var sent = await SendAsync(message, html, cancellationToken, keyboard).ConfigureAwait(false);

        // A reply to any part of the answer continues this conversation.
        foreach (var id in sent)
        {
            pipeline.LinkReply(conversation, MessageKey(message.Chat.Id, id));
        }
    }

    /// <summary>Sends the HTML as one or more replies to <paramref name="to"/>, each within Telegram's length limit.</summary>
    private async Task<List<int>> SendAsync(Message to, string html, CancellationToken cancellationToken, InlineKeyboardMarkup? keyboard = null)
    {
        var ids = new List<int>();
        var chatId = to.Chat.Id;
        var parts = HtmlSplitter.Split(html).ToList();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];

            // The buttons go under the last part, where the sources are.
            var markup = i == parts.Count - 1 ? keyboard : null;
            Message sent;
            try
            {
                sent = await SendPartAsync(to, part, ParseMode.Html, cancellationToken, markup).ConfigureAwait(false);
            }
            catch (ApiRequestException exception) when (IsUnparsable(exception))
            {
                // Our renderer escapes everything, so this should not happen; if it does, the text still gets through, once.
                var plain = Html.ToPlainText(part);
                if (string.IsNullOrWhiteSpace(plain))
                {
                    throw;
                }

                Log.SentAsPlainText(logger, exception, chatId);
                sent = await SendPartAsync(to, plain, ParseMode.None, cancellationToken, markup).ConfigureAwait(false);
            }

            ids.Add(sent.Id);
        }

        Log.Sent(logger, ids.Count, chatId);
        return ids;
    }

    private async Task<Message> SendPartAsync(Message to, string text, ParseMode parseMode, CancellationToken cancellationToken, InlineKeyboardMarkup? markup)
    {
        try
        {
            return await SendPartToAsync(to.Chat.Id, to, text, parseMode, cancellationToken, markup).ConfigureAwait(false);
        }
        catch (ApiRequestException exception) when (exception.Parameters?.MigrateToChatId is { } newChatId)
        {
            // The group became a supergroup with a new id while the answer was prepared: send it there.
            Log.ChatMigrated(logger, to.Chat.Id, newChatId);
            return await SendPartToAsync(newChatId, to, text, parseMode, cancellationToken, markup).ConfigureAwait(false);
        }
    }

    private Task<Message> SendPartToAsync(long chatId, Message to, string text, ParseMode parseMode, CancellationToken cancellationToken, InlineKeyboardMarkup? markup) =>
        // A network failure after Telegram accepted the message can send it twice; a lost answer would be worse.
        api.CallAsync(
            "sendMessage",
            (client, ct) => client.SendMessage(
                chatId,
                text,
                parseMode: parseMode,
                replyParameters: new ReplyParameters { MessageId = to.Id, AllowSendingWithoutReply = true },
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true },
                replyMarkup: markup,
                cancellationToken: ct),
            options.Value.SendAttempts,
            cancellationToken);

    /// <summary>The report, or one line saying why there is none (the store may be locked or gone).</summary>
    private async Task<string> ReportTextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await reporter.ReportAsync(ReportPeriod, cancellationToken).ConfigureAwait(false)).ToText();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Log.ReportFailed(logger, exception);
            return $"The feedback report could not be read ({exception.GetType().Name}); see the bot's log.";
        }
    }

    /// <summary>
    /// Counts the vote, answers the button press (Telegram shows a spinner until then), and shows the new counts on the
    /// answer's buttons when the user's vote changed them.
    /// </summary>
    private async Task VoteAsync(TelegramWork.Vote vote, CancellationToken cancellationToken)
    {
        var (counts, changed) = feedback.RecordVote(vote.AnswerId, vote.UserKey, vote.Value);
        await api.CallAsync(
            "answerCallbackQuery",
            (client, ct) => client.AnswerCallbackQuery(vote.QueryId, VoteKeyboard.Thanks(vote.Language), cancellationToken: ct),
            options.Value.SendAttempts,
            cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            await api.CallAsync(
                "editMessageReplyMarkup",
                (client, ct) => client.EditMessageReplyMarkup(vote.Message.Chat.Id, vote.Message.Id, VoteKeyboard.For(vote.AnswerId, counts), cancellationToken: ct),
                options.Value.SendAttempts,
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Telegram's 400 "Bad Request: can't parse entities: …" for HTML it cannot parse.</summary>
    private static bool IsUnparsable(ApiRequestException exception) =>
        exception.ErrorCode == 400 && exception.Message.Contains("can't parse entities", StringComparison.OrdinalIgnoreCase);

    private async Task KeepTypingAsync(long chatId, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TypingRenewal, time, cancellationToken).ConfigureAwait(false);
                await SendTypingAsync(chatId, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            // The answer is ready (or was cut off). A renewal cancelled in flight may fail as something other than a
            // cancellation; the indicator must never replace the answer's own outcome (and so skip its apology).
        }
    }

    private async Task SendTypingAsync(long chatId, CancellationToken cancellationToken)
    {
        try
        {
            // One attempt only: a missed typing indicator is not worth waiting for.
            await api.CallAsync("sendChatAction", (client, ct) => client.SendChatAction(chatId, ChatAction.Typing, cancellationToken: ct), 1, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Log.TypingFailed(logger, exception, chatId);
        }
    }

    /// <summary>A private chat is one conversation; in groups each question starts its own, continued by replies to the bot.</summary>
    private static string ConversationKey(Message message, bool replyToBot) => message.Chat.Type == ChatType.Private
        ? $"telegram:chat:{message.Chat.Id}"
        : MessageKey(message.Chat.Id, replyToBot && message.ReplyToMessage is { } replied ? replied.Id : message.Id);

    private static string MessageKey(long chatId, int messageId) => $"telegram:message:{chatId}:{messageId}";

    /// <summary>Framing language for commands, which carry no question to detect it from.</summary>
    internal static AnswerLanguage LanguageOf(User? user) => ChatTexts.LanguageOfLocale(user?.LanguageCode);
}
