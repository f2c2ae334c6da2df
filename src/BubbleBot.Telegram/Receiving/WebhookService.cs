using BubbleBot.Core.Chat;
using BubbleBot.Telegram.Client;
using BubbleBot.Telegram.Configuration;
using BubbleBot.Telegram.Handling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// Webhook mode: registers the webhook with its secret at start, replays the journal, and at stop refuses new updates
/// (503, so Telegram re-sends them to the next run) while the accepted ones finish.
/// </summary>
internal sealed class WebhookService(
    TelegramApi api,
    UpdateDispatcher dispatcher,
    BotIdentityProvider identity,
    CommandMenu menu,
    AdapterHealth health,
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
        health.Report(PollingService.AdapterName, AdapterState.Starting);
        var settings = options.Value;

        // The webhook stays set on shutdown: Telegram keeps the updates until the bot is back.
        var ready = await StartupCalls.PrepareAsync(
            api,
            identity,
            health,
            PollingService.AdapterName,
            "webhook",
            "setWebhook",
            async (client, ct) =>
            {
                await client.CallAsync(
                    "setWebhook",
                    (bot, token) => bot.SetWebhook(settings.WebhookUrl!, allowedUpdates: [UpdateType.Message, UpdateType.CallbackQuery], secretToken: settings.WebhookSecret, cancellationToken: token),
                    1,
                    ct).ConfigureAwait(false);
                Log.WebhookSet(logger, WebhookEndpoint.PathOf(settings));
            },
            logger,
            stoppingToken).ConfigureAwait(false);
        if (ready)
        {
            // Updates acknowledged by the last run but not finished (the journal); redeliveries of them are repeats.
            dispatcher.ReplayJournal();
            await menu.RegisterAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
