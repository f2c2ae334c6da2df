using Microsoft.Extensions.Options;

namespace BubbleBot.Telegram.Configuration;

/// <summary>Rules that span several keys; each failure names the key to fix.</summary>
internal sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        var failures = new List<string>();

        // The token is "<bot id>:<secret>"; checking the shape catches a pasted username or an empty secret early.
        if (!string.IsNullOrWhiteSpace(options.Token) && !IsTokenShaped(options.Token))
        {
            failures.Add("Telegram:Token does not look like a bot token (expected \"<digits>:<secret>\" from BotFather).");
        }

        if (options.UseWebhook)
        {
            if (string.IsNullOrWhiteSpace(options.WebhookSecret))
            {
                failures.Add("Telegram:WebhookSecret is required when Telegram:WebhookUrl is set.");
            }

            if (!Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add("Telegram:WebhookUrl must be an absolute https URL.");
            }
            else if (url.AbsolutePath is "" or "/")
            {
                failures.Add("Telegram:WebhookUrl needs a path (for example https://bot.example.org/telegram/webhook): the endpoint is mapped there.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.ApiBaseUrl)
            && (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("Telegram:ApiBaseUrl must be an absolute http(s) URL.");
        }

        if (options.RetryMaxDelaySeconds < options.RetryInitialDelaySeconds)
        {
            failures.Add("Telegram:RetryMaxDelaySeconds must not be smaller than Telegram:RetryInitialDelaySeconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsTokenShaped(string token)
    {
        var colon = token.IndexOf(':');
        return colon > 0 && colon < token.Length - 1 && token[..colon].All(char.IsAsciiDigit)
            && token[(colon + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
    }
}
