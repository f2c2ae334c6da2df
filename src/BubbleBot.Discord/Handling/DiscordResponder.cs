using System.Net;
using BubbleBot.Core.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Feedback;
using BubbleBot.Discord.Messages;
using BubbleBot.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord.Handling;

/// <summary>
/// Answers questions from messages and slash commands through <see cref="ChatPipeline"/>, and replies over REST.
/// Its services come by constructor injection; it needs no scoped service, so no scope is created here.
/// </summary>
internal sealed class DiscordResponder(
    ChatPipeline pipeline,
    IArticleCatalog catalog,
    FeedbackRecorder feedback,
    FeedbackReporter reporter,
    DiscordRestClient rest,
    DiscordWorkQueue queue,
    AnsweringStage stage,
    IOptions<DiscordOptions> options,
    TimeProvider time,
    ILogger<DiscordResponder> logger)
{
    public const string NotHere = "This bot is not enabled in this server.";

    private static readonly TimeSpan TypingRenewal = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Interaction tokens last 15 minutes; an /ask that waited longer than this in the queue is dropped, since its
    /// answer could no longer be delivered (and the call would only add to the 401s Discord counts towards IP bans).
    /// </summary>
    public static readonly TimeSpan MaxAskAge = TimeSpan.FromMinutes(14);

    public static IReadOnlyList<ApplicationCommand> Commands { get; } =
    [
        new("ask", "Ask a question about the AI-bubble debate",
            [new(ApplicationCommandOption.StringType, "question", "Your question", Required: true, MaxLength: QuestionSanitizer.MaxLength,
                DescriptionLocalizations: Chinese("你的问题", "你的問題"))],
            Chinese("提一个关于 AI 泡沫之争的问题", "提一個關於 AI 泡沫之爭的問題")),
        new("sides", "Both sides of the debate: who argues it is a bubble, who argues it is not",
            [new(ApplicationCommandOption.StringType, "topic", "Optional topic, e.g. OpenAI", Required: false, MaxLength: QuestionSanitizer.MaxLength,
                DescriptionLocalizations: Chinese("可选的话题，例如 OpenAI", "可選的話題，例如 OpenAI"))],
            Chinese("泡沫之争的两方：谁认为是泡沫，谁认为不是", "泡沫之爭的兩方：誰認為是泡沫，誰認為不是")),
        new("sources", "List the articles the answers come from", DescriptionLocalizations: Chinese("列出回答所依据的文章", "列出回答所依據的文章")),
        new("report", "Feedback report (bot admins only)", DescriptionLocalizations: Chinese("反馈报告（仅限机器人管理员）", "回饋報告（僅限機器人管理員）")),
    ];

    /// <summary>How far back <c>/report</c> in chat looks (the command line takes <c>--since</c>).</summary>
    private static readonly TimeSpan ReportPeriod = TimeSpan.FromDays(7);

    private static Dictionary<string, string> Chinese(string simplified, string traditional) => new() { ["zh-CN"] = simplified, ["zh-TW"] = traditional };

    /// <summary>Discord drops an interaction not responded to within 3 s; a deferral still unsent by then is pointless.</summary>
    private static readonly TimeSpan DeferralWindow = TimeSpan.FromSeconds(3);

    /// <summary>What became of an /ask's deferral, as far as the bot can know.</summary>
    private enum Deferral
    {
        Sent,

        /// <summary>Discord answered with a refusal: the interaction has no response to edit.</summary>
        Refused,

        /// <summary>Sent, but no answer heard (timeout, shutdown, network error, 5xx): it may be showing "thinking…".</summary>
        Unknown,
    }

    /// <summary>How long a reply may still take once an answer was cancelled by shutdown (the apology).</summary>
    private static readonly TimeSpan ApologyDeadline = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Admission for a message, on arrival and before any REST call: the per-user rate limit, then a place in the shared
    /// answering stage. A refused question gets a short reply (rate-limit notice once, or "busy") instead of silence;
    /// nothing here waits on the network, so the gateway receive loop never blocks.
    /// </summary>
    public void Admit(IncomingMessage message, CancellationToken stoppingToken)
    {
        var userKey = DiscordEvents.UserKey(message.AuthorId);
        var question = new IncomingQuestion(userKey, message.ConversationKey, message.Text);
        if (pipeline.Admit(question) is { } refused)
        {
            if (Render(refused) is [var notice])
            {
                queue.Run("rate-limit notice", ct => ReplyAsync(message, notice, ct), stoppingToken);
            }

            return;
        }

        switch (stage.TryRun(userKey, ct => AnswerMessageAsync(message, ct)))
        {
            case Admission.Busy:
                Log.Busy(logger, userKey);
                var busy = DiscordMessageRenderer.Notice(ChatPipeline.Busy(message.Text).Text);
                queue.Run("busy notice", ct => ReplyAsync(message, busy, ct), stoppingToken);
                break;
        }
    }

    private async Task ReplyAsync(IncomingMessage to, MessagePayload payload, CancellationToken cancellationToken) =>
        await rest.CreateMessageAsync(to.ChannelId, payload with { MessageReference = new MessageReference(to.Id) }, cancellationToken);

    /// <summary>Registers the slash commands; false (logged) when Discord refused or could not be reached.</summary>
    public async Task<bool> RegisterCommandsAsync(string applicationId, CancellationToken cancellationToken)
    {
        var guildId = string.IsNullOrWhiteSpace(options.Value.GuildId) ? null : options.Value.GuildId;
        try
        {
            await rest.BulkOverwriteCommandsAsync(applicationId, guildId, Commands, cancellationToken);
            Log.CommandsRegistered(logger, Commands.Count, guildId is null ? "global" : "guild " + guildId);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.CommandRegistrationFailed(logger, exception);
            return false;
        }
    }

    /// <summary>
    /// The first answer to an interaction, sent at once (Discord allows 3 s): /ask and /sides are deferred and answered by the stage,
    /// /sources is answered directly.
    /// </summary>
    public async Task AcknowledgeAsync(IncomingInteraction interaction, CancellationToken cancellationToken)
    {
        var labels = DiscordMessageRenderer.LabelsForLocale(interaction.Locale);
        if (!options.Value.IsGuildAllowed(interaction.GuildId))
        {
            await RespondAsync(interaction, DiscordMessageRenderer.Notice(NotHere, MessagePayload.Ephemeral), cancellationToken);
            return;
        }

        switch (interaction.CommandName)
        {
            case "ask":
            case "sides":
                await AcknowledgeAskAsync(interaction, labels, cancellationToken);
                break;
            case "sources":
                // Commands go through the same flood guard as questions.
                if (pipeline.Admit(new IncomingQuestion(DiscordEvents.UserKey(interaction.UserId), "discord:sources", "sources")) is not null)
                {
                    await RespondAsync(interaction, DiscordMessageRenderer.Notice(labels.RateLimited, MessagePayload.Ephemeral), cancellationToken);
                    break;
                }

                await RespondAsync(interaction, DiscordMessageRenderer.Sources(catalog.Articles, labels), cancellationToken);

                break;
            case "report" when options.Value.AdminUserIds.Contains(interaction.UserId):
                // Reading the report may take longer than the 3 s an interaction allows: deferred, privately.
                await rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.DeferredEphemeral, cancellationToken);
                queue.Run("report", ct => SendReportAsync(interaction, ct), cancellationToken);
                break;
            default:
                // Also /report from anyone not in Discord:AdminUserIds: they learn nothing beyond the usage text.
                await RespondAsync(interaction, DiscordMessageRenderer.Notice(labels.Usage, MessagePayload.Ephemeral), cancellationToken);
                break;
        }
    }

    private async Task SendReportAsync(IncomingInteraction interaction, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = (await reporter.ReportAsync(ReportPeriod, cancellationToken)).ToText();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.HandlerFailed(logger, exception, "report");
            text = $"The feedback report could not be read ({exception.GetType().Name}); see the bot's log.";
        }

        await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, DiscordMessageRenderer.Report(text), cancellationToken);
    }

    /// <summary>
    /// A vote button: counted, and answered at once (within Discord's 3 s) by editing the buttons to show the counts,
    /// or, when the user's vote did not change, by an acknowledgement that leaves the message as it is.
    /// </summary>
    public async Task AcknowledgeComponentAsync(IncomingComponent component, CancellationToken cancellationToken)
    {
        if (!options.Value.IsGuildAllowed(component.GuildId) || !VoteButtons.TryParse(component.CustomId, out var answerId, out var value))
        {
            await rest.CreateInteractionResponseAsync(component.Id, component.Token, InteractionResponse.Unchanged, cancellationToken);
            return;
        }

        var (counts, changed) = feedback.RecordVote(answerId, DiscordEvents.UserKey(component.UserId), value);
        var response = changed
            ? InteractionResponse.Update(new MessagePayload(null, Components: VoteButtons.For(answerId, counts)))
            : InteractionResponse.Unchanged;
        await rest.CreateInteractionResponseAsync(component.Id, component.Token, response, cancellationToken);
    }

    /// <summary>
    /// /ask: admitted (rate limit, a place in the stage) before anything else. Refused: an ephemeral notice as the
    /// interaction's only response. Accepted: deferred at once (the 3-second deadline), answered by the stage later.
    /// </summary>
    private async Task AcknowledgeAskAsync(IncomingInteraction interaction, AnswerLabels labels, CancellationToken cancellationToken)
    {
        var userKey = DiscordEvents.UserKey(interaction.UserId);
        var conversation = DiscordEvents.AskConversation(interaction.ChannelId, interaction.UserId);
        if (pipeline.Admit(new IncomingQuestion(userKey, conversation, interaction.Question ?? string.Empty, BothSides: interaction.BothSides)) is { } refused)
        {
            var text = refused is ChatReply.Notice notice ? notice.Text : labels.RateLimited;
            await RespondAsync(interaction, DiscordMessageRenderer.Notice(text, MessagePayload.Ephemeral), cancellationToken);
            return;
        }

        var deferred = new TaskCompletionSource<Deferral>(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = new AskWork(interaction, time.GetUtcNow());
        switch (stage.TryRun(userKey, ct => AnswerAskAsync(work, deferred.Task, ct)))
        {
            case Admission.Accepted:
                // Not the caller's token: shutdown must not cut a deferral already on the wire, or Discord shows
                // "thinking…" while the answer believes nothing was deferred and never resolves it. Discord's own 3 s
                // window is the only limit that matters for this call.
                using (var window = new CancellationTokenSource(DeferralWindow, time))
                {
                    try
                    {
                        await rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Deferred, window.Token);
                        deferred.TrySetResult(Deferral.Sent);
                    }
                    catch (DiscordApiException exception) when (exception.Status < HttpStatusCode.InternalServerError)
                    {
                        // Discord answered and refused (e.g. 10062 unknown interaction): there is nothing to edit.
                        deferred.TrySetResult(Deferral.Refused);
                        throw;
                    }
                    catch
                    {
                        // Timed out, cut off or a 5xx: Discord may well have the deferral, so the answer (or the
                        // apology) is still sent as an edit; if it had not, that edit fails harmlessly (10015).
                        deferred.TrySetResult(Deferral.Unknown);
                        throw;
                    }
                }

                break;
            default:
                Log.Busy(logger, userKey);
                var busy = ChatPipeline.Busy(interaction.Question ?? string.Empty).Text;
                await RespondAsync(interaction, DiscordMessageRenderer.Notice(busy, MessagePayload.Ephemeral), cancellationToken);
                break;
        }
    }

    private Task RespondAsync(IncomingInteraction interaction, MessagePayload message, CancellationToken cancellationToken) =>
        rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Message(message), cancellationToken);

    /// <summary>Runs in the answering stage: typing only now (after admission), then the answer, then the reply.</summary>
    private async Task AnswerMessageAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var userKey = DiscordEvents.UserKey(message.AuthorId);
        Log.Question(logger, userKey, message.GuildId is null ? "a DM" : "guild " + message.GuildId);

        ChatReply reply;
        try
        {
            await TypingAsync(message.ChannelId, cancellationToken);
            using var typing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var typingTask = KeepTypingAsync(message.ChannelId, typing.Token);
            try
            {
                reply = await pipeline.AnswerAdmittedAsync(
                    new IncomingQuestion(userKey, message.ConversationKey, message.Text, Platform: "discord", Chat: message.ChannelId), cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.HandlerFailed(logger, exception, "message");
                reply = new ChatReply.Notice(ChatTexts.ApologyFor(message.Text), AnswerLanguage.English);
            }
            finally
            {
                await typing.CancelAsync();
                await typingTask;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown cut the answer short: the question was accepted, so it gets an apology rather than silence.
            await ApologiseAsync(ct => ReplyAsync(message, DiscordMessageRenderer.Notice(ChatTexts.ApologyFor(message.Text)), ct));
            return;
        }

        var payloads = Render(reply);
        if (payloads.Count > 0 && Escalation(reply, message.GuildId) is { } escalation)
        {
            // The hand-over line opens the refusal; the message may ping the support role and nobody else.
            var first = payloads[0];
            var content = first.Content is null ? escalation.Content! : TextCut.ToLength(escalation.Content + "\n" + first.Content, DiscordLimits.Content);
            payloads = [first with { Content = content, AllowedMentions = escalation.AllowedMentions }, .. payloads.Skip(1)];
        }

        for (var i = 0; i < payloads.Count; i++)
        {
            // The first part replies to the question; the rest follow it in the channel, in order.
            var payload = i == 0 ? payloads[i] with { MessageReference = new MessageReference(message.Id) } : payloads[i];
            var sentId = await rest.CreateMessageAsync(message.ChannelId, payload, cancellationToken);
            Remember(reply, message.ConversationKey, sentId);
        }
    }

    /// <summary>Answers an already deferred /ask (as the stage does once it gets a slot).</summary>
    internal Task AnswerAskAsync(AskWork work, CancellationToken cancellationToken) => AnswerAskAsync(work, Task.FromResult(Deferral.Sent), cancellationToken);

    private async Task AnswerAskAsync(AskWork work, Task<Deferral> deferred, CancellationToken cancellationToken)
    {
        var interaction = work.Interaction;
        if (await deferred == Deferral.Refused)
        {
            return;
        }

        var age = time.GetUtcNow() - work.ReceivedAt;
        if (age > MaxAskAge)
        {
            // The token is (nearly) expired: answering would waste the answer layer and end in a 401.
            Log.AskExpired(logger, Durations.Human(age));
            return;
        }

        var userKey = DiscordEvents.UserKey(interaction.UserId);
        Log.Question(logger, userKey, interaction.GuildId is null ? "a DM (/ask)" : "guild " + interaction.GuildId + " (/ask)");
        var conversation = DiscordEvents.AskConversation(interaction.ChannelId, interaction.UserId);

        ChatReply reply;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            reply = await pipeline.AnswerAdmittedAsync(
                new IncomingQuestion(userKey, conversation, interaction.Question ?? string.Empty, BothSides: interaction.BothSides, Platform: "discord", Chat: interaction.ChannelId), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A deferred interaction must be resolved, or the user sees "thinking…" until Discord says the application did not respond.
            await ApologiseAsync(ct => rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, DiscordMessageRenderer.Notice(ChatTexts.ApologyFor(interaction.Question ?? string.Empty)), ct));
            return;
        }
        catch (Exception exception)
        {
            Log.HandlerFailed(logger, exception, "slash command");
            reply = new ChatReply.Notice(ChatTexts.ApologyFor(interaction.Question ?? string.Empty), AnswerLanguage.English);
        }

        var payloads = Render(reply);
        if (payloads.Count == 0)
        {
            payloads = [DiscordMessageRenderer.Notice(DiscordMessageRenderer.LabelsForLocale(interaction.Locale).RateLimited)];
        }

        // The deferred response becomes the first part; the rest are follow-up messages of the same interaction.
        var sentId = await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, payloads[0], cancellationToken);
        Remember(reply, conversation, sentId);
        foreach (var payload in payloads.Skip(1))
        {
            sentId = await rest.CreateFollowupMessageAsync(interaction.ApplicationId, interaction.Token, payload, cancellationToken);
            Remember(reply, conversation, sentId);
        }

        // A mention added by editing a message does not notify anyone, so the hand-over is a follow-up message of its own.
        if (Escalation(reply, interaction.GuildId) is { } escalation)
        {
            await rest.CreateFollowupMessageAsync(interaction.ApplicationId, interaction.Token, escalation, cancellationToken);
        }
    }

    /// <summary>
    /// For a refusal in a server, with <c>Discord:EscalationRoleId</c> set: the hand-over line mentioning that role, in a
    /// payload whose allowed mentions permit exactly that role.
    /// </summary>
    private MessagePayload? Escalation(ChatReply reply, string? guildId) =>
        reply is ChatReply.Answered { Answer: { NoAnswer: true } answer } && guildId is not null && options.Value.EscalationRoleId is { Length: > 0 } role
            ? new MessagePayload(ChatTexts.Escalation(answer.Language, $"<@&{role}>")) { AllowedMentions = AllowedMentions.OnlyRole(role) }
            : null;

    /// <summary>Sends an apology with its own short deadline (the work's own token is already cancelled).</summary>
    private async Task ApologiseAsync(Func<CancellationToken, Task> send)
    {
        using var deadline = new CancellationTokenSource(ApologyDeadline, time);
        try
        {
            await send(deadline.Token);
        }
        catch (Exception exception)
        {
            Log.HandlerFailed(logger, exception, "shutdown apology");
        }
    }

    private static IReadOnlyList<MessagePayload> Render(ChatReply reply)
    {
        switch (reply)
        {
            case ChatReply.Answered answered:
                var parts = DiscordMessageRenderer.Answer(answered.Answer, answered.Note);

                // Votes are asked for on answers only (a refusal is already counted in the operator's report), under the last part.
                return answered is { AnswerId: { } answerId, Answer.NoAnswer: false }
                    ? [.. parts.SkipLast(1), parts[^1] with { Components = VoteButtons.For(answerId) }]
                    : parts;
            case ChatReply.Notice notice:
                return [DiscordMessageRenderer.Notice(notice.Text)];
            default:
                return [];
        }
    }

    // Replying to the bot's answer continues the same conversation.
    private void Remember(ChatReply reply, string conversation, string? sentId)
    {
        if (reply is ChatReply.Answered && sentId is not null)
        {
            pipeline.LinkReply(conversation, DiscordEvents.MessageConversation(sentId));
        }
    }

    // Discord shows "typing…" for about 10 s; answers that take longer renew it.
    private async Task KeepTypingAsync(string channelId, CancellationToken cancellationToken)
    {
        try
        {
            while (await TypingAsync(channelId, cancellationToken, TypingRenewal))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Shows "typing…" (after <paramref name="after"/>); false when Discord refused, so renewing is pointless.</summary>
    private async Task<bool> TypingAsync(string channelId, CancellationToken cancellationToken, TimeSpan after = default)
    {
        if (after > TimeSpan.Zero)
        {
            await Task.Delay(after, time, cancellationToken);
        }

        // Typing is a courtesy: a failure here must not stop the answer.
        try
        {
            await rest.TriggerTypingAsync(channelId, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.HandlerFailed(logger, exception, "typing indicator");
            return false;
        }
    }
}
