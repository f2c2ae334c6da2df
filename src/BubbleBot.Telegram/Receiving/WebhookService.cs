using BubbleBot.Telegram.Client;
using BubbleBot.Telegram.Configuration;
using BubbleBot.Telegram.Handling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace BubbleBot.Telegram.Receiving;

/// <summary>Webhook mode: registers the webhook with its secret at start, and lets queued answers finish at stop.</summary>
internal sealed class WebhookService(
    TelegramApi api,
    UpdateDispatcher dispatcher,
    BotIdentityProvider identity,
    IOptions<TelegramOptions> options,
    ILogger<WebhookService> logger) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await dispatcher.DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            // The webhook stays set on shutdown: Telegram keeps the updates until the bot is back.
            await api.CallAsync(
                "setWebhook",
                (client, ct) => client.SetWebhook(settings.WebhookUrl!, allowedUpdates: [UpdateType.Message], secretToken: settings.WebhookSecret, cancellationToken: ct),
                int.MaxValue,
                stoppingToken).ConfigureAwait(false);
            Log.WebhookSet(logger, WebhookEndpoint.PathOf(settings));
            var bot = await identity.GetAsync(stoppingToken).ConfigureAwait(false);
            Log.Connected(logger, bot.Username, bot.Id, "webhook");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Log.WebhookRefused(logger, exception);
        }
    }
}
