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

/// <summary>
/// Accepts Telegram's webhook POSTs: checks the secret header, admits the update into the bounded dispatcher (which
/// journals it), then answers 200; 503 or 429 with Retry-After when it cannot be taken now.
/// </summary>
internal static class WebhookEndpoint
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>The Retry-After of a 503 (no room, starting or stopping) or a 429 (the chat's queue is full).</summary>
    public const int RetryAfterSeconds = 2;

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

        // 200 once the update is accepted into the bounded dispatcher (admission done, work queued) and, with
        // Storage:DataPath, recorded in the update journal, not once answered: holding the response would tie one of
        // Telegram's few webhook connections to each answer; a crash after the 200 is covered by the journal's replay. Any non-2xx makes
        // Telegram deliver the update again later, so when there is no room the answer says "later" instead of
        // acknowledging an update the bot cannot take. A redelivery of an accepted update is recognised as a repeat.
        switch (services.GetRequiredService<UpdateDispatcher>().Accept(update))
        {
            case Acceptance.Full:
                Log.WebhookFull(logger, update.Id);
                Later(context.Response, StatusCodes.Status503ServiceUnavailable);
                return;
            case Acceptance.ChatFull:
                Log.WebhookChatFull(logger, update.Id, UpdateDispatcher.ChatIdOf(update));
                Later(context.Response, StatusCodes.Status429TooManyRequests);
                return;
            default:
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
        }
    }

    /// <summary>
    /// Telegram re-sends on any non-2xx on its own schedule; Retry-After is for proxies and other senders that honour
    /// it. Short, because room comes back as soon as a few answers finish.
    /// </summary>
    private static void Later(HttpResponse response, int status)
    {
        response.StatusCode = status;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
