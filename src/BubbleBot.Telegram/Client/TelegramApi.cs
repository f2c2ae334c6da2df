using System.Net;
using BubbleBot.Telegram.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace BubbleBot.Telegram.Client;

/// <summary>
/// The one place that talks to the Bot API: builds the client over the named <see cref="HttpClient"/> and owns the
/// only retry layer. The library's own 429 retry is switched off (RetryThreshold = 0) so that every wait goes through
/// <see cref="TimeProvider"/> and retries never multiply: a 429 waits its retry_after, network and 5xx errors back off
/// exponentially up to a cap.
/// </summary>
internal sealed class TelegramApi
{
    public const string HttpClientName = "BubbleBot.Telegram";

    private readonly IHttpClientFactory _httpClients;
    private readonly TelegramBotClientOptions _clientOptions;
    private readonly TelegramOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TelegramApi> _logger;

    public TelegramApi(IHttpClientFactory httpClients, IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramApi> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _clientOptions = new TelegramBotClientOptions(_options.Token, string.IsNullOrWhiteSpace(_options.ApiBaseUrl) ? null : _options.ApiBaseUrl)
        {
            RetryThreshold = 0,
            RetryCount = 0,
        };
    }

    public TimeSpan MaxDelay => TimeSpan.FromSeconds(_options.RetryMaxDelaySeconds);

    /// <summary>A client over a fresh handler-pooled HttpClient; cheap, so callers never keep one around.</summary>
    public ITelegramBotClient Client => new TelegramBotClient(_clientOptions, _httpClients.CreateClient(HttpClientName));

    /// <summary>Runs one Bot API call, retrying rate limits and transient failures up to <paramref name="attempts"/> times.</summary>
    public async Task<T> CallAsync<T>(string method, Func<ITelegramBotClient, CancellationToken, Task<T>> call, int attempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(Client, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (attempt < attempts && RetryDelay(exception, attempt, cancellationToken) is { } delay)
            {
                Log.CallRetrying(_logger, method, attempt, exception.GetType().Name, exception.Message, BubbleBot.Core.Chat.Durations.Human(delay));
                Log.CallFailedDetail(_logger, exception);
                await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task CallAsync(string method, Func<ITelegramBotClient, CancellationToken, Task> call, int attempts, CancellationToken cancellationToken) =>
        CallAsync(method, async (client, ct) =>
        {
            await call(client, ct).ConfigureAwait(false);
            return true;
        }, attempts, cancellationToken);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, _time, cancellationToken);

    /// <summary>
    /// How long to wait before trying again after <paramref name="failures"/> consecutive failures, or null when
    /// trying again cannot help (a bad request, an invalid token, cancellation).
    /// </summary>
    public TimeSpan? RetryDelay(Exception exception, int failures, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return exception switch
        {
            ApiRequestException { Parameters.RetryAfter: { } retryAfter } => TimeSpan.FromSeconds(Math.Max(retryAfter, 1)),
            ApiRequestException { ErrorCode: (int)HttpStatusCode.TooManyRequests or >= 500 } => Backoff(failures),
            ApiRequestException => null,
            RequestException or HttpRequestException or IOException => Backoff(failures),

            // HttpClient's own timeout surfaces as a cancellation the caller did not ask for.
            OperationCanceledException => Backoff(failures),
            _ => null,
        };
    }

    public TimeSpan Backoff(int failures)
    {
        var seconds = _options.RetryInitialDelaySeconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, _options.RetryMaxDelaySeconds));
    }
}
