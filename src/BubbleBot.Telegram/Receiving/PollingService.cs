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
/// Long polling with our own getUpdates loop rather than the library's StartReceiving (which asks for more only after
/// its handler returned): every received update is handed to <see cref="UpdateDispatcher"/>, which answers it in the
/// background, so a slow answer does not hold up the other chats of its batch. The offset confirms only what was
/// handled (<see cref="OffsetTracker"/>): it stays at the lowest unfinished update_id, so a crash re-delivers what was
/// still in flight. Because the Bot API returns at most <c>Telegram:PollingLimit</c> updates from the offset, newer
/// updates are fetched only once the lowest unfinished one is done; an update given up by
/// <c>Telegram:UpdateTimeoutSeconds</c> counts as done, which bounds that wait.
/// </summary>
internal sealed class PollingService(
    TelegramApi api,
    UpdateDispatcher dispatcher,
    BotIdentityProvider identity,
    IOptions<TelegramOptions> options,
    ILogger<PollingService> logger) : BackgroundService
{
    // While an answer is in flight getUpdates returns its update again at once; poll at this pace (or on progress) instead of spinning.
    private static readonly TimeSpan PendingPollInterval = TimeSpan.FromSeconds(1);
    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message];

    private readonly OffsetTracker _offset = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await dispatcher.DrainAsync(cancellationToken).ConfigureAwait(false);
        await ConfirmHandledAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await PrepareAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        var failures = 0;
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var waitForNews = !_offset.HasPending;
                var progress = _offset.NextProgress();
                var updates = await api.Client.GetUpdates(
                    _offset.Offset,
                    settings.PollingLimit,
                    waitForNews ? settings.PollingTimeoutSeconds : 0,
                    AllowedUpdates,
                    stoppingToken).ConfigureAwait(false);
                failures = 0;

                var fresh = 0;
                foreach (var update in updates)
                {
                    _offset.Received(update.Id);
                    if (dispatcher.Enqueue(update) is { } handling)
                    {
                        _offset.Track(update.Id, handling);
                        fresh++;
                    }
                }

                if (fresh == 0 && _offset.HasPending)
                {
                    using var pause = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var interval = api.DelayAsync(PendingPollInterval, pause.Token);
                    await Task.WhenAny(progress, interval).ConfigureAwait(false);
                    await pause.CancelAsync().ConfigureAwait(false);
                    stoppingToken.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Nothing ends this loop but shutdown: a wrong token or a competing poller gets the longest wait.
                failures++;
                var delay = api.RetryDelay(exception, failures, stoppingToken) ?? api.MaxDelay;
                Log.PollFailed(logger, exception, failures, delay.TotalSeconds);
                try
                {
                    await api.DelayAsync(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Removes any webhook (getUpdates answers 409 while one is set) and learns the bot's name.</summary>
    private async Task<bool> PrepareAsync(CancellationToken stoppingToken)
    {
        var attempts = int.MaxValue;
        try
        {
            await api.CallAsync("deleteWebhook", static (client, ct) => client.DeleteWebhook(cancellationToken: ct), attempts, stoppingToken).ConfigureAwait(false);
            var bot = await identity.GetAsync(stoppingToken).ConfigureAwait(false);
            Log.Connected(logger, bot.Username, bot.Id, "long polling");
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception)
        {
            Log.StartupFailed(logger, exception, "deleteWebhook/getMe");
            return false;
        }
    }

    /// <summary>Tells Telegram which updates were handled before exit, so a restart does not answer them again.</summary>
    private async Task ConfirmHandledAsync(CancellationToken cancellationToken)
    {
        if (_offset.Offset is not { } offset || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            // limit 1, timeout 0: confirms everything below the offset and returns at once; what it returns stays unconfirmed.
            await api.Client.GetUpdates(offset, 1, 0, AllowedUpdates, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.PollFailed(logger, exception, 1, 0);
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time; the next start sees the unconfirmed updates again and the duplicates are harmless.
        }
    }
}
