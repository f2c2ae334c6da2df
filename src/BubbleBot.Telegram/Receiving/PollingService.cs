using BubbleBot.Core.Chat;
using BubbleBot.Telegram.Client;
using BubbleBot.Telegram.Configuration;
using BubbleBot.Telegram.Handling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// Long polling with our own getUpdates loop rather than the library's StartReceiving (which asks for more only after
/// its handler returned): every received update is handed to <see cref="UpdateDispatcher"/>, which admits it and
/// answers it in the background. The offset moves past an update as soon as the dispatcher accepted it, so one slow
/// chat never holds back the others (the update journal, with <c>Storage:DataPath</c>, keeps what was confirmed but not
/// finished across a crash); while the dispatcher is full the offset stays and Telegram keeps the rest.
/// Start-up (deleteWebhook, getMe) is retried with back-off for as long as it takes, except when Telegram says the
/// token is wrong (401/404): then the adapter reports a permanent failure.
/// </summary>
internal sealed class PollingService(
    TelegramApi api,
    UpdateDispatcher dispatcher,
    BotIdentityProvider identity,
    CommandMenu menu,
    AdapterHealth health,
    IOptions<TelegramOptions> options,
    ILogger<PollingService> logger) : BackgroundService
{
    public const string AdapterName = "Telegram";

    // While the dispatcher is full, poll again on progress or at this pace.
    private static readonly TimeSpan FullPollInterval = TimeSpan.FromSeconds(1);
    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];

    private readonly OffsetTracker _offset = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await dispatcher.DrainAsync(cancellationToken).ConfigureAwait(false);
        await ConfirmHandledAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Report(AdapterName, AdapterState.Starting);
        if (!await StartupCalls.PrepareAsync(api, identity, health, AdapterName, "long polling", "deleteWebhook", PrepareCallAsync, logger, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        // Before the first poll: what the last run confirmed but did not finish (the journal) comes first.
        dispatcher.ReplayJournal();
        await menu.RegisterAsync(stoppingToken).ConfigureAwait(false);

        var failures = 0;
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var progress = dispatcher.NextProgress();
                var updates = await api.Client.GetUpdates(
                    _offset.Offset,
                    settings.PollingLimit,
                    settings.PollingTimeoutSeconds,
                    AllowedUpdates,
                    stoppingToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    health.Report(AdapterName, AdapterState.Connected);
                }

                failures = 0;

                var full = false;
                foreach (var update in updates)
                {
                    var accepted = dispatcher.Accept(update);
                    if (accepted == Acceptance.Full)
                    {
                        // Not acknowledged: this update and the ones after it are fetched again once there is room.
                        full = true;
                        break;
                    }

                    if (accepted == Acceptance.ChatFull)
                    {
                        // One chat flooding past the per-user limits (many users in one group): holding the offset for
                        // it would hold every chat, so the excess is dropped, logged, and the asker told "busy".
                        dispatcher.DropFromFullChat(update);
                    }

                    _offset.Received(update.Id);
                }

                if (full)
                {
                    using var pause = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    await Task.WhenAny(progress, api.DelayAsync(FullPollInterval, pause.Token)).ConfigureAwait(false);
                    await pause.CancelAsync().ConfigureAwait(false);
                    stoppingToken.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (ApiRequestException exception) when (StartupCalls.IsTokenRejected(exception))
            {
                Log.TokenRejected(logger, exception.ErrorCode, "getUpdates");
                health.Report(AdapterName, AdapterState.FailedPermanently, $"{exception.ErrorCode} on getUpdates: Telegram:Token is wrong or was revoked");
                return;
            }
            catch (Exception exception)
            {
                failures++;
                health.Report(AdapterName, AdapterState.Reconnecting);
                var delay = api.RetryDelay(exception, failures, stoppingToken) ?? api.Backoff(failures);
                if (exception is ApiRequestException { ErrorCode: 409 } conflict)
                {
                    // Another instance polls with this token, or a webhook is set: say so plainly, and back off.
                    Log.Conflict(logger, conflict.Message, Durations.Human(delay));
                }
                else
                {
                    Log.PollFailed(logger, failures, exception.GetType().Name, exception.Message, Durations.Human(delay));
                    Log.CallFailedDetail(logger, exception);
                }

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

    // getUpdates answers 409 while a webhook is set: remove it first.
    private static Task PrepareCallAsync(TelegramApi api, CancellationToken cancellationToken) =>
        api.CallAsync("deleteWebhook", static (client, ct) => client.DeleteWebhook(cancellationToken: ct), 1, cancellationToken);

    /// <summary>Tells Telegram which updates were accepted before exit, so a restart does not answer them again.</summary>
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
            Log.PollFailed(logger, 1, exception.GetType().Name, exception.Message, "0 s");
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time; the next start sees the unconfirmed updates again and the duplicates are harmless.
        }
    }
}

/// <summary>The start-up calls both receiving modes make, retried until they succeed or the token is refused.</summary>
internal static class StartupCalls
{
    /// <summary>401 Unauthorized or 404 Not Found (the Bot API's answer to an unknown token): retrying cannot help.</summary>
    public static bool IsTokenRejected(ApiRequestException exception) => exception.ErrorCode is 401 or 404;

    public static async Task<bool> PrepareAsync(
        TelegramApi api,
        BotIdentityProvider identity,
        AdapterHealth health,
        string adapter,
        string mode,
        string firstMethod,
        Func<TelegramApi, CancellationToken, Task> first,
        ILogger logger,
        CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var method = firstMethod;
            try
            {
                await first(api, stoppingToken).ConfigureAwait(false);
                method = "getMe";
                var bot = await identity.GetAsync(1, stoppingToken).ConfigureAwait(false);
                Log.Connected(logger, bot.Username, bot.Id, mode);
                health.Report(adapter, AdapterState.Connected);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (ApiRequestException exception) when (IsTokenRejected(exception))
            {
                Log.TokenRejected(logger, exception.ErrorCode, method);
                health.Report(adapter, AdapterState.FailedPermanently, $"{exception.ErrorCode} on {method}: Telegram:Token is wrong or was revoked");
                return false;
            }
            catch (Exception exception)
            {
                // A 502, a timeout, a refused connection: Telegram (or the network) will be back; keep trying.
                health.Report(adapter, AdapterState.Reconnecting);
                var delay = api.RetryDelay(exception, attempt, stoppingToken) ?? api.Backoff(attempt);
                Log.StartupRetry(logger, method, attempt, exception.GetType().Name, exception.Message, Durations.Human(delay));
                Log.CallFailedDetail(logger, exception);
                try
                {
                    await api.DelayAsync(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }
    }
}
