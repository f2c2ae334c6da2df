using System.ComponentModel.DataAnnotations;
using BubbleBot.Core.Configuration;

namespace BubbleBot.Telegram.Configuration;

/// <summary>Bound from the <c>Telegram</c> section. The adapter is registered only when <see cref="Token"/> is set.</summary>
public sealed class TelegramOptions : IValidatableObject
{
    public const string Section = "Telegram";

    /// <summary>BotFather's token (<c>Telegram:Token</c>, normally from the <c>Telegram__Token</c> environment variable). Never logged.</summary>
    [Required(ErrorMessage = "Telegram:Token is required.")]
    [Secret]
    public string Token { get; set; } = string.Empty;

    /// <summary>A self-hosted Bot API server or a test server (<c>Telegram:ApiBaseUrl</c>); null means Telegram's own.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>The public HTTPS URL Telegram posts updates to (<c>Telegram:WebhookUrl</c>); unset means long polling.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Sent back by Telegram in <c>X-Telegram-Bot-Api-Secret-Token</c> (<c>Telegram:WebhookSecret</c>): 1–256 of A-Z a-z 0-9 _ -.</summary>
    [Secret]
    [RegularExpression("^[A-Za-z0-9_-]{1,256}$", ErrorMessage = "Telegram:WebhookSecret must be 1-256 characters of A-Z, a-z, 0-9, _ and -.")]
    public string? WebhookSecret { get; set; }

    /// <summary>When not empty, only these chats are served (<c>Telegram:AllowedChatIds</c>); others are ignored.</summary>
    public List<long> AllowedChatIds { get; set; } = [];

    /// <summary>
    /// Groups where every question-like message is answered, addressed to the bot or not (<c>Telegram:AnswerAllInChatIds</c>).
    /// The bot sees such messages only with privacy mode off (BotFather: /setprivacy → Disable).
    /// </summary>
    public List<long> AnswerAllInChatIds { get; set; } = [];

    /// <summary>A user (or support bot) mentioned in a group when the bot cannot answer (<c>Telegram:EscalationUsername</c>).</summary>
    [RegularExpression("^@?[A-Za-z][A-Za-z0-9_]{4,31}$", ErrorMessage = "Telegram:EscalationUsername must be a Telegram username (5-32 letters, digits and _, optionally with @).")]
    public string? EscalationUsername { get; set; }

    /// <summary>
    /// Users who may ask for <c>/report</c> (<c>Telegram:AdminUserIds</c>), in a private chat with the bot; everyone
    /// else's <c>/report</c> is ignored. Numeric Telegram user ids.
    /// </summary>
    public List<long> AdminUserIds { get; set; } = [];

    /// <summary>How long one getUpdates call may wait for news (<c>Telegram:PollingTimeoutSeconds</c>).</summary>
    [Range(0, 50, ErrorMessage = "Telegram:PollingTimeoutSeconds must be between 0 and 50.")]
    public int PollingTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Most updates one getUpdates call returns (<c>Telegram:PollingLimit</c>, Telegram's <c>limit</c>). The offset stays
    /// at the lowest unfinished update, so this is also how far polling can get ahead of an answer still in flight.
    /// </summary>
    [Range(1, 100, ErrorMessage = "Telegram:PollingLimit must be between 1 and 100.")]
    public int PollingLimit { get; set; } = 100;

    /// <summary>
    /// Overall time limit of handling one update, answer and replies included (<c>Telegram:UpdateTimeoutSeconds</c>).
    /// When it runs out the update is given up (logged, no reply) and the chat's next update is handled.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "Telegram:UpdateTimeoutSeconds must be between 1 and 3600.")]
    public double UpdateTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Updates accepted and not yet handled, across all chats (<c>Telegram:MaxPendingUpdates</c>). Beyond it nothing is
    /// acknowledged: polling leaves the offset where it is, the webhook answers 503 with Retry-After, and Telegram keeps
    /// or re-sends the rest. Bounds the memory (and, with a journal, the file) a burst can take.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Telegram:MaxPendingUpdates must be between 1 and 100000.")]
    public int MaxPendingUpdates { get; set; } = 1024;

    /// <summary>First wait after a network or server error (<c>Telegram:RetryInitialDelaySeconds</c>); it doubles up to the maximum.</summary>
    [Range(0.01, 3600, ErrorMessage = "Telegram:RetryInitialDelaySeconds must be between 0.01 and 3600.")]
    public double RetryInitialDelaySeconds { get; set; } = 1;

    /// <summary>Cap of the exponential back-off (<c>Telegram:RetryMaxDelaySeconds</c>).</summary>
    [Range(0.01, 3600, ErrorMessage = "Telegram:RetryMaxDelaySeconds must be between 0.01 and 3600.")]
    public double RetryMaxDelaySeconds { get; set; } = 60;

    /// <summary>Attempts of one send (sendMessage, sendChatAction) before it is given up (<c>Telegram:SendAttempts</c>).</summary>
    [Range(1, 20, ErrorMessage = "Telegram:SendAttempts must be between 1 and 20.")]
    public int SendAttempts { get; set; } = 5;

    public bool UseWebhook => !string.IsNullOrWhiteSpace(WebhookUrl);

    /// <summary>Rules that span several keys; each failure names the key to fix.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The token is "<bot id>:<secret>"; checking the shape catches a pasted username or an empty secret early.
        if (!string.IsNullOrWhiteSpace(Token) && !IsTokenShaped(Token))
        {
            yield return new ValidationResult("Telegram:Token does not look like a bot token (expected \"<digits>:<secret>\" from BotFather).");
        }

        if (UseWebhook)
        {
            if (string.IsNullOrWhiteSpace(WebhookSecret))
            {
                yield return new ValidationResult("Telegram:WebhookSecret is required when Telegram:WebhookUrl is set.");
            }

            if (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            {
                yield return new ValidationResult("Telegram:WebhookUrl must be an absolute https URL.");
            }
            else if (url.AbsolutePath is "" or "/")
            {
                yield return new ValidationResult("Telegram:WebhookUrl needs a path (for example https://bot.example.org/telegram/webhook): the endpoint is mapped there.");
            }
        }

        if (!string.IsNullOrWhiteSpace(ApiBaseUrl)
            && (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("Telegram:ApiBaseUrl must be an absolute http(s) URL.");
        }

        if (RetryMaxDelaySeconds < RetryInitialDelaySeconds)
        {
            yield return new ValidationResult("Telegram:RetryMaxDelaySeconds must not be smaller than Telegram:RetryInitialDelaySeconds.");
        }
    }

    private static bool IsTokenShaped(string token)
    {
        var colon = token.IndexOf(':');
        return colon > 0 && colon < token.Length - 1 && token[..colon].All(char.IsAsciiDigit)
            && token[(colon + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
    }
}
