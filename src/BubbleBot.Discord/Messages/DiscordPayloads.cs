using System.Text.Json.Serialization;

namespace BubbleBot.Discord.Messages;

/// <summary>
/// Who a message may ping: nobody. Quotes and questions can contain <c>@everyone</c> or role mentions, and every
/// outgoing message, interaction response and edit carries this object, so none of them ever pings.
/// </summary>
/// The one exception is <see cref="OnlyRole"/>: the configured support role, in an escalation, and nothing else.
internal sealed record AllowedMentions
{
    private AllowedMentions(IReadOnlyList<string> roles) => Roles = roles;

    public static AllowedMentions None { get; } = new([]);

    public IReadOnlyList<string> Parse { get; } = [];

    public IReadOnlyList<string> Users { get; } = [];

    public IReadOnlyList<string> Roles { get; }

    public bool RepliedUser => false;

    /// <summary>Pings exactly this role (<c>Discord:EscalationRoleId</c>): no users, no @everyone, no other role.</summary>
    public static AllowedMentions OnlyRole(string roleId) => new([roleId]);
}

internal sealed record MessageReference(string MessageId)
{
    /// <summary>Still answer when the question was deleted meanwhile, instead of failing the whole message.</summary>
    public bool FailIfNotExists => false;
}

internal sealed record EmbedFooter(string Text);

internal sealed record Embed(string? Title, string? Description, int? Color = null, EmbedFooter? Footer = null)
{
    /// <summary>Characters Discord counts towards the 6,000 limit across the embeds of one message.</summary>
    [JsonIgnore]
    public int CountedLength => (Title?.Length ?? 0) + (Description?.Length ?? 0) + (Footer?.Text.Length ?? 0);
}

/// <summary>A button (component type 2); style 2 is Discord's grey "secondary" button.</summary>
internal sealed record Button(string Label, string CustomId)
{
    public int Type => 2;

    public int Style => 2;
}

/// <summary>A row of components (type 1), the container Discord requires around buttons.</summary>
internal sealed record ActionRow(IReadOnlyList<Button> Components)
{
    public int Type => 1;
}

/// <summary>A message body for create, edit and interaction responses. <see cref="AllowedMentions"/> cannot be left out.</summary>
internal sealed record MessagePayload(
    string? Content,
    IReadOnlyList<Embed>? Embeds = null,
    MessageReference? MessageReference = null,
    int? Flags = null,
    IReadOnlyList<ActionRow>? Components = null)
{
    public const int Ephemeral = 1 << 6;
    public const int SuppressEmbeds = 1 << 2;

    /// <summary>Nobody, unless a message is explicitly made an escalation with <see cref="AllowedMentions.OnlyRole"/>.</summary>
    public AllowedMentions AllowedMentions { get; init; } = AllowedMentions.None;
}

/// <summary>Body of <c>POST /interactions/{id}/{token}/callback</c>.</summary>
internal sealed record InteractionResponse(int Type, MessagePayload? Data = null)
{
    public const int ChannelMessageWithSource = 4;
    public const int DeferredChannelMessageWithSource = 5;

    /// <summary>Acknowledges a button press without changing the message.</summary>
    public const int DeferredUpdateMessage = 6;

    /// <summary>Answers a button press by editing the message the button is on.</summary>
    public const int UpdateMessage = 7;

    public static InteractionResponse Unchanged { get; } = new(DeferredUpdateMessage);

    public static InteractionResponse Update(MessagePayload data) => new(UpdateMessage, data);

    /// <summary>A deferred response may only carry flags, so it has no data (and so no content that could ping).</summary>
    public static InteractionResponse Deferred { get; } = new(DeferredChannelMessageWithSource);

    /// <summary>Deferred, and the response that follows is seen only by the user who asked.</summary>
    public static InteractionResponse DeferredEphemeral { get; } = new(DeferredChannelMessageWithSource, new MessagePayload(null, Flags: MessagePayload.Ephemeral));

    public static InteractionResponse Message(MessagePayload data) => new(ChannelMessageWithSource, data);
}

internal sealed record ApplicationCommandOption(
    int Type,
    string Name,
    string Description,
    bool Required,
    int? MaxLength = null,
    IReadOnlyDictionary<string, string>? DescriptionLocalizations = null)
{
    public const int StringType = 3;
}

/// <summary>A slash command; <paramref name="DescriptionLocalizations"/> maps Discord locales (zh-CN, zh-TW) to descriptions.</summary>
internal sealed record ApplicationCommand(
    string Name,
    string Description,
    IReadOnlyList<ApplicationCommandOption>? Options = null,
    IReadOnlyDictionary<string, string>? DescriptionLocalizations = null)
{
    public int Type => 1;
}
