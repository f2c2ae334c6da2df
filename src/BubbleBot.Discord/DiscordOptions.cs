using System.ComponentModel.DataAnnotations;
using BubbleBot.Core.Configuration;

namespace BubbleBot.Discord;

/// <summary>Bound from the <c>Discord</c> section. The adapter is registered only when <c>Discord:Token</c> is set.</summary>
public sealed class DiscordOptions : IValidatableObject
{
    public const string Section = "Discord";
    public const string DefaultApiBaseUrl = "https://discord.com/api/v10";

    /// <summary>The bot token (<c>Discord:Token</c>, env <c>Discord__Token</c>). Never logged.</summary>
    [Required(ErrorMessage = "Discord:Token is required.")]
    [Secret]
    [RegularExpression(@"^\S+$", ErrorMessage = "Discord:Token must be the bare token, without spaces or a 'Bot ' prefix.")]
    public string Token { get; set; } = string.Empty;

    /// <summary>Guild whose commands are registered instantly (<c>Discord:GuildId</c>); global registration when empty.</summary>
    [RegularExpression(@"^\d{1,20}$", ErrorMessage = "Discord:GuildId must be a numeric guild id (snowflake).")]
    public string? GuildId { get; set; }

    /// <summary>Request the privileged MESSAGE_CONTENT intent (<c>Discord:MessageContentIntent</c>).</summary>
    public bool MessageContentIntent { get; set; }

    /// <summary>Guilds the bot answers in (<c>Discord:AllowedGuildIds</c>); empty = every guild. DMs are always allowed.</summary>
    public List<string> AllowedGuildIds { get; set; } = [];

    /// <summary>
    /// Channels where every new message (and every new post of a forum channel listed here) is answered without a
    /// mention (<c>Discord:AnswerChannelIds</c>). Needs the MESSAGE_CONTENT intent (<see cref="MessageContentIntent"/>).
    /// </summary>
    public List<string> AnswerChannelIds { get; set; } = [];

    /// <summary>A support role mentioned when the bot cannot answer in a server (<c>Discord:EscalationRoleId</c>); only that role is pinged.</summary>
    [RegularExpression(@"^\d{1,20}$", ErrorMessage = "Discord:EscalationRoleId must be a numeric role id (snowflake).")]
    public string? EscalationRoleId { get; set; }

    /// <summary>Users who may use <c>/report</c> (<c>Discord:AdminUserIds</c>); for everyone else it only shows the usage text.</summary>
    public List<string> AdminUserIds { get; set; } = [];

    /// <summary>REST base URL (<c>Discord:ApiBaseUrl</c>).</summary>
    [Required(ErrorMessage = "Discord:ApiBaseUrl is required.")]
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>Gateway URL (<c>Discord:GatewayUrl</c>); asked from <c>GET /gateway/bot</c> when empty.</summary>
    public string? GatewayUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Discord:ApiBaseUrl must be an absolute http(s) URL.", [nameof(ApiBaseUrl)]);
        }

        if (!string.IsNullOrWhiteSpace(GatewayUrl)
            && (!Uri.TryCreate(GatewayUrl, UriKind.Absolute, out var gateway) || (gateway.Scheme != "wss" && gateway.Scheme != "ws")))
        {
            yield return new ValidationResult("Discord:GatewayUrl must be an absolute ws(s) URL.", [nameof(GatewayUrl)]);
        }

        foreach (var result in Snowflakes(AnswerChannelIds, nameof(AnswerChannelIds)))
        {
            yield return result;
        }

        foreach (var result in Snowflakes(AdminUserIds, nameof(AdminUserIds)))
        {
            yield return result;
        }

        for (var i = 0; i < AllowedGuildIds.Count; i++)
        {
            if (!ulong.TryParse(AllowedGuildIds[i], out _))
            {
                yield return new ValidationResult($"Discord:AllowedGuildIds:{i} must be a numeric guild id (snowflake).", [nameof(AllowedGuildIds)]);
            }
        }
    }

    private static IEnumerable<ValidationResult> Snowflakes(List<string> ids, string key) =>
        ids.Select((id, i) => (id, i)).Where(x => !ulong.TryParse(x.id, out _))
            .Select(x => new ValidationResult($"Discord:{key}:{x.i} must be a numeric id (snowflake).", [key]));

    internal bool IsGuildAllowed(string? guildId) =>
        guildId is null || AllowedGuildIds.Count == 0 || AllowedGuildIds.Contains(guildId);
}
