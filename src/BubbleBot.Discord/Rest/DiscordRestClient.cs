using BubbleBot.Core.Chat;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BubbleBot.Discord.Messages;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Rest;

/// <summary>
/// The REST calls the adapter makes, over a named <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/>.
/// Discord's rate limits, 429s and 5xx are handled here by Discord's rules rather than by a generic retry policy:
/// 429s wait <c>retry_after</c>; 5xx are repeated (with backoff) only for idempotent requests; 401/403 never are.
/// </summary>
internal sealed class DiscordRestClient(
    IHttpClientFactory httpClients,
    RestRateLimits limits,
    TimeProvider time,
    ILogger<DiscordRestClient> logger)
{
    public const string HttpClientName = "BubbleBot.Discord";
    public const string UserAgent = "DiscordBot (https://github.com/bubblebot, 1.0)";

    /// <summary>Total retry_after a single call may wait through before it gives up (interaction tokens last 15 minutes).</summary>
    private static readonly TimeSpan MaxRateLimitWait = TimeSpan.FromMinutes(10);

    /// <summary>A Cloudflare 429 (HTML, no JSON) means the IP is blocked: when it names no Retry-After, wait this long.</summary>
    private static readonly TimeSpan CloudflareDefaultWait = TimeSpan.FromSeconds(60);
    private const int Max5xxRetries = 3;
    private static readonly TimeSpan ServerErrorBaseDelay = TimeSpan.FromSeconds(1);

    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Get, "gateway/bot", new RestRoute("GET /gateway/bot", ""), null, cancellationToken);
        var root = json!.RootElement;
        var url = root.GetString("url") ?? throw new DiscordApiException(HttpStatusCode.OK, null, "GET /gateway/bot returned no url");
        var limit = root.GetObject("session_start_limit");
        return new GatewayBotInfo(url, limit?.GetInt("remaining"), limit?.GetInt("reset_after"));
    }

    public async Task BulkOverwriteCommandsAsync(string applicationId, string? guildId, IReadOnlyList<ApplicationCommand> commands, CancellationToken cancellationToken)
    {
        var (path, route) = guildId is null
            ? ($"applications/{applicationId}/commands", new RestRoute("PUT /applications/{application_id}/commands", applicationId))
            : ($"applications/{applicationId}/guilds/{guildId}/commands", new RestRoute("PUT /applications/{application_id}/guilds/{guild_id}/commands", guildId));
        using var _ = await SendAsync(HttpMethod.Put, path, route, commands, cancellationToken);
    }

    /// <summary>Shows "typing…"; skipped (a courtesy, not worth the risk) once invalid requests pile up.</summary>
    public Task TriggerTypingAsync(string channelId, CancellationToken cancellationToken) =>
        !limits.InvalidRequests.OptionalCallsAllowed ? Task.CompletedTask : SendAndForgetAsync(HttpMethod.Post, $"channels/{channelId}/typing", new RestRoute(RestRoute.TypingTemplate, channelId), null, cancellationToken);

    /// <summary>Posts a message and returns its id.</summary>
    public async Task<string?> CreateMessageAsync(string channelId, MessagePayload message, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Post, $"channels/{channelId}/messages", new RestRoute("POST /channels/{channel_id}/messages", channelId), message, cancellationToken);
        return json?.RootElement.GetString("id");
    }

    public Task CreateInteractionResponseAsync(string interactionId, string token, InteractionResponse response, CancellationToken cancellationToken) =>
        SendAndForgetAsync(HttpMethod.Post, $"interactions/{interactionId}/{token}/callback",
            new RestRoute("POST /interactions/{interaction_id}/{token}/callback", interactionId), response, cancellationToken);

    /// <summary>Edits the deferred response and returns the message id.</summary>
    public async Task<string?> EditOriginalResponseAsync(string applicationId, string token, MessagePayload message, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Patch, $"webhooks/{applicationId}/{token}/messages/@original",
            new RestRoute("PATCH /webhooks/{application_id}/{token}/messages/@original", applicationId + "/" + token), message, cancellationToken);
        return json?.RootElement.GetString("id");
    }

    /// <summary>Posts a follow-up message of an interaction (after its first response) and returns its id.</summary>
    public async Task<string?> CreateFollowupMessageAsync(string applicationId, string token, MessagePayload message, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Post, $"webhooks/{applicationId}/{token}",
            new RestRoute("POST /webhooks/{application_id}/{token}", applicationId + "/" + token), message, cancellationToken);
        return json?.RootElement.GetString("id");
    }

    private async Task SendAndForgetAsync(HttpMethod method, string path, RestRoute route, object? body, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(method, path, route, body, cancellationToken);
    }

    /// <summary>
    /// One REST call by Discord's rules. The per-route gate is held only for the HTTP exchange itself, never through a
    /// wait: a bucket wait, a 429's retry_after or a 5xx back-off happens outside it, so other routes and channels
    /// (and the callers behind this one) are never blocked by a rate-limited route. A 429 is retried, honouring
    /// retry_after, while the total wait stays within <see cref="MaxRateLimitWait"/>, so a rate-limited answer is
    /// delayed rather than lost.
    /// </summary>
    private async Task<JsonDocument?> SendAsync(HttpMethod method, string path, RestRoute route, object? body, CancellationToken cancellationToken)
    {
        var payload = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), DiscordJson.Options);
        var rateLimitedFor = TimeSpan.Zero;
        var serverErrors = 0;
        while (true)
        {
            if (limits.Unauthorized)
            {
                // After a 401 every call would fail the same way, and repeated 401s get the IP banned.
                throw new DiscordApiException(HttpStatusCode.Unauthorized, null, "the bot token was rejected earlier; not calling Discord again");
            }

            if (!limits.InvalidRequests.CallsAllowed && !route.IsInteraction)
            {
                var count = limits.InvalidRequests.Count;
                Log.InvalidRequestLimit(logger, count);
                throw new DiscordApiException(HttpStatusCode.TooManyRequests, null, $"held back: {count} invalid requests in 10 minutes");
            }

            var wait = limits.DelayFor(route);
            if (wait > TimeSpan.Zero)
            {
                Log.BucketWait(logger, route.Template, Durations.Human(wait));
                await Task.Delay(wait, time, cancellationToken);
                continue;
            }

            var gate = limits.GateFor(route);
            if (gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
            }

            HttpResponseMessage response;
            try
            {
                // Checked again under the gate: the previous holder may have spent the bucket's last slot.
                if (limits.DelayFor(route) > TimeSpan.Zero)
                {
                    continue;
                }

                using var request = new HttpRequestMessage(method, path);
                if (payload is not null)
                {
                    request.Content = new ByteArrayContent(payload);
                    request.Content.Headers.ContentType = new("application/json");
                }

                response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
                limits.Update(route, response.Headers);
            }
            finally
            {
                gate?.Release();
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
                    {
                        return null;
                    }

                    var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                    return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
                }

                var error = await ReadErrorAsync(response, cancellationToken);
                var status = response.StatusCode;
                if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    || (status == HttpStatusCode.TooManyRequests && !IsSharedScope(response)))
                {
                    // Discord bans an IP for a while after 10,000 of these in 10 minutes; shared-scope 429s do not count.
                    limits.InvalidRequests.Record();
                }

                switch (status)
                {
                    case HttpStatusCode.TooManyRequests:
                        var retryAfter = TimeSpan.FromSeconds(Math.Clamp(error.RetryAfter ?? 1, 0, 300));
                        var scope = error.IsHtml ? RateLimitScope.Cloudflare
                            : error.Global || response.Headers.TryGetValues("X-RateLimit-Global", out _) ? RateLimitScope.Global
                            : RateLimitScope.Route;
                        if (error.IsHtml && error.RetryAfter is null)
                        {
                            retryAfter = CloudflareDefaultWait;
                        }

                        limits.Block(route, retryAfter, scope);
                        rateLimitedFor += retryAfter;
                        if (rateLimitedFor > MaxRateLimitWait)
                        {
                            Log.RateLimitGaveUp(logger, route.Template, Durations.Human(rateLimitedFor));
                            break;
                        }

                        Log.RateLimited(logger, route.Template, Durations.Human(retryAfter), scope.ToString().ToLowerInvariant());
                        continue;
                    case HttpStatusCode.Unauthorized when route.IsInteraction:
                        // The interaction token expired (15 minutes) or is invalid (code 50027); the bot token is fine.
                        Log.InteractionTokenRejected(logger, route.Template, error.Code);
                        break;
                    case HttpStatusCode.Unauthorized:
                        limits.MarkUnauthorized();
                        Log.Unauthorized(logger, route.Template);
                        break;
                    case HttpStatusCode.Forbidden:
                        Log.Forbidden(logger, route.Template, error.Code);
                        break;
                    case >= HttpStatusCode.InternalServerError when !route.IsIdempotent:
                        // A 5xx does not say whether Discord acted on the request: posting again could post twice.
                        // Message POSTs (and interaction callbacks) are therefore not repeated; the caller gets the error.
                        Log.ServerErrorNotRetried(logger, route.Template, (int)status);
                        break;
                    case >= HttpStatusCode.InternalServerError when serverErrors++ < Max5xxRetries:
                        var delay = ServerErrorBaseDelay * Math.Pow(2, serverErrors - 1);
                        Log.ServerError(logger, route.Template, (int)status, serverErrors, Durations.Human(delay));
                        await Task.Delay(delay, time, cancellationToken);
                        continue;
                }

                throw new DiscordApiException(status, error.Code, error.Message ?? response.ReasonPhrase ?? "error");
            }
        }
    }

    private static bool IsSharedScope(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-RateLimit-Scope", out var values) && values.FirstOrDefault() == "shared";

    private static async Task<ErrorBody> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            double? retryAfter = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("retry_after", out var r) && r.ValueKind == JsonValueKind.Number
                ? r.GetDouble()
                : null;
            return new ErrorBody(body.GetInt("code"), body.GetString("message"), retryAfter, body.GetBool("global"), IsHtml: false);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Cloudflare answers some 429s and 5xx with HTML; the Retry-After header still counts.
            double? retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds
                ?? (response.Headers.TryGetValues("Retry-After", out var values)
                    && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : null);
            // Discord's own 429s are JSON with an X-RateLimit-Scope header; an HTML (or bare) one comes from Cloudflare.
            var html = response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("html", StringComparison.OrdinalIgnoreCase);
            return new ErrorBody(null, null, retryAfter, false, html || !response.Headers.Contains("X-RateLimit-Scope"));
        }
    }

    private sealed record ErrorBody(int? Code, string? Message, double? RetryAfter, bool Global, bool IsHtml);
}

/// <summary>
/// What <c>GET /gateway/bot</c> says: where to connect and how many session starts (Identifies) remain, with the
/// time in milliseconds until that count resets.
/// </summary>
internal sealed record GatewayBotInfo(string Url, int? SessionStartsRemaining, int? SessionStartResetAfterMs);
