using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BubbleBot.Telegram.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace BubbleBot.Telegram.Receiving;

/// <summary>Accepts Telegram's webhook POSTs: checks the secret header, admits the update into the bounded dispatcher, then answers 200.</summary>
internal static class WebhookEndpoint
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public static string PathOf(TelegramOptions options) => new Uri(options.WebhookUrl!, UriKind.Absolute).AbsolutePath;

    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<TelegramOptions>>().Value;
        var logger = services.GetRequiredService<ILogger<UpdateDispatcher>>();

        if (!context.Request.Headers.TryGetValue(SecretHeader, out var given) || given.Count != 1 || string.IsNullOrEmpty(given[0]))
        {
            Log.WebhookRejected(logger, "missing secret header");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (!SecretMatches(given[0]!, options.WebhookSecret))
        {
            Log.WebhookRejected(logger, "wrong secret");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(context.Request.Body, JsonBotAPI.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            update = null;
        }

        if (update is null)
        {
            Log.WebhookRejected(logger, "body is not an update");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // Acknowledged once accepted into the bounded dispatcher (admission done, work queued), not once answered:
        // Telegram waits for the 200 before sending this chat's next update. When there is no room (or the bot is still
        // starting) the answer is 503 and Telegram delivers the update again later, so nothing acknowledged is dropped
        // for lack of room. A redelivery of an accepted update is recognised as a repeat.
        if (services.GetRequiredService<UpdateDispatcher>().Accept(update) == Acceptance.Full)
        {
            Log.WebhookFull(logger, update.Id);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>Constant-time comparison; hashing first keeps even the secret's length from leaking through timing.</summary>
    internal static bool SecretMatches(string given, string? expected)
    {
        if (string.IsNullOrEmpty(expected))
        {
            return false;
        }

        var a = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
