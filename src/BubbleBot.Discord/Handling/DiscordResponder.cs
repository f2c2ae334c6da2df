using BubbleBot.Core.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Corpus;
using BubbleBot.Discord.Messages;
using BubbleBot.Discord.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord.Handling;

/// <summary>
/// Answers questions from messages and slash commands through <see cref="ChatPipeline"/>, and replies over REST.
/// Each piece of work gets its own DI scope, as at any hosting boundary.
/// </summary>
internal sealed class DiscordResponder(
    IServiceScopeFactory scopes,
    DiscordRestClient rest,
    DiscordWorkQueue queue,
    IOptions<DiscordOptions> options,
    TimeProvider time,
    ILogger<DiscordResponder> logger)
{
    public const string Sorry = "Sorry, something went wrong while answering. Please try again in a moment.";
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
            [new(ApplicationCommandOption.StringType, "question", "Your question", Required: true, MaxLength: QuestionSanitizer.MaxLength)]),
        new("sources", "List the articles the answers come from"),
    ];

    public Task HandleAsync(DiscordWork work, CancellationToken cancellationToken) => work switch
    {
        MessageWork message => AnswerMessageAsync(message.Message, cancellationToken),
        AskWork ask => AnswerAskAsync(ask, cancellationToken),
        _ => Task.CompletedTask,
    };

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
    /// The first answer to an interaction, sent at once (Discord allows 3 s): /ask is deferred and its answer queued,
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
                await rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Deferred, cancellationToken);
                if (!queue.TryEnqueue(new AskWork(interaction, time.GetUtcNow())))
                {
                    await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, DiscordMessageRenderer.Notice(Sorry), cancellationToken);
                }

                break;
            case "sources":
                using (var scope = scopes.CreateScope())
                {
                    var catalog = scope.ServiceProvider.GetRequiredService<IArticleCatalog>();
                    await RespondAsync(interaction, DiscordMessageRenderer.Sources(catalog.Articles, labels), cancellationToken);
                }

                break;
            default:
                await RespondAsync(interaction, DiscordMessageRenderer.Notice(labels.Usage, MessagePayload.Ephemeral), cancellationToken);
                break;
        }
    }

    private Task RespondAsync(IncomingInteraction interaction, MessagePayload message, CancellationToken cancellationToken) =>
        rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Message(message), cancellationToken);

    private async Task AnswerMessageAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var userKey = DiscordEvents.UserKey(message.AuthorId);
        Log.Question(logger, userKey, message.GuildId is null ? "a DM" : "guild " + message.GuildId);
        using var scope = scopes.CreateScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ChatPipeline>();

        ChatReply reply;
        await TypingAsync(message.ChannelId, cancellationToken);
        using (var typing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var typingTask = KeepTypingAsync(message.ChannelId, typing.Token);
            try
            {
                reply = await pipeline.HandleAsync(new IncomingQuestion(userKey, message.ConversationKey, message.Text), cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.HandlerFailed(logger, exception, "message");
                reply = new ChatReply.Notice(Sorry, AnswerLanguage.English);
            }
            finally
            {
                await typing.CancelAsync();
                await typingTask;
            }
        }

        var payload = Render(reply);
        if (payload is null)
        {
            return;
        }

        var sentId = await rest.CreateMessageAsync(message.ChannelId, payload with { MessageReference = new MessageReference(message.Id) }, cancellationToken);
        Remember(scope.ServiceProvider, reply, message.ConversationKey, sentId);
    }

    private async Task AnswerAskAsync(AskWork work, CancellationToken cancellationToken)
    {
        var interaction = work.Interaction;
        var age = time.GetUtcNow() - work.ReceivedAt;
        if (age > MaxAskAge)
        {
            // The token is (nearly) expired: answering would waste the answer layer and end in a 401.
            Log.AskExpired(logger, age);
            return;
        }

        var userKey = DiscordEvents.UserKey(interaction.UserId);
        Log.Question(logger, userKey, interaction.GuildId is null ? "a DM (/ask)" : "guild " + interaction.GuildId + " (/ask)");
        var conversation = DiscordEvents.AskConversation(interaction.ChannelId, interaction.UserId);
        using var scope = scopes.CreateScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<ChatPipeline>();

        ChatReply reply;
        try
        {
            reply = await pipeline.HandleAsync(new IncomingQuestion(userKey, conversation, interaction.Question ?? string.Empty), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.HandlerFailed(logger, exception, "slash command");
            reply = new ChatReply.Notice(Sorry, AnswerLanguage.English);
        }

        // A deferred interaction must be resolved, or the user sees "thinking…" until it fails.
        var payload = Render(reply)
            ?? DiscordMessageRenderer.Notice(DiscordMessageRenderer.LabelsForLocale(interaction.Locale).RateLimited);
        var sentId = await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, payload, cancellationToken);
        Remember(scope.ServiceProvider, reply, conversation, sentId);
    }

    private static MessagePayload? Render(ChatReply reply) => reply switch
    {
        ChatReply.Answered answered => DiscordMessageRenderer.Answer(answered.Answer, answered.Note),
        ChatReply.Notice notice => DiscordMessageRenderer.Notice(notice.Text),
        _ => null,
    };

    // Replying to the bot's answer continues the same conversation.
    private static void Remember(IServiceProvider services, ChatReply reply, string conversation, string? sentId)
    {
        if (reply is ChatReply.Answered && sentId is not null)
        {
            services.GetRequiredService<ConversationMemory>().Alias(conversation, DiscordEvents.MessageConversation(sentId));
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
