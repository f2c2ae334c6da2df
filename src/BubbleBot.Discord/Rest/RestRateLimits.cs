using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace BubbleBot.Discord.Rest;

/// <summary>A rate-limit route: the path template (safe to log, never holds a token) and its major parameter.</summary>
internal sealed record RestRoute(string Template, string Major)
{
    public const string TypingTemplate = "POST /channels/{channel_id}/typing";

    /// <summary>
    /// Interaction callback and interaction webhook routes (<c>/interactions/{id}/{token}/…</c>,
    /// <c>/webhooks/{application_id}/{token}/…</c>): authorized by the interaction token in the path, not by the bot
    /// token, and not bound to the bot's global rate limit.
    /// </summary>
    public bool IsInteraction =>
        Template.Contains(" /interactions/", StringComparison.Ordinal) || Template.Contains(" /webhooks/", StringComparison.Ordinal);

    /// <summary>
    /// Whether repeating the request after a 5xx is safe. A 5xx does not prove the request failed: repeating a
    /// message POST could post the message twice, so only GET/PUT/PATCH/DELETE and the typing POST are repeated.
    /// </summary>
    public bool IsIdempotent => !Template.StartsWith("POST ", StringComparison.Ordinal) || Template == TypingTemplate;

    public override string ToString() => Template;
}

/// <summary>
/// Discord's REST rate limits: per-bucket state learned from <c>X-RateLimit-*</c> headers, a global block after a
/// global 429 (interaction routes are exempt), and a permanent stop after a 401 on a bot-token route (repeated
/// 401/403/429 answers get the bot's IP banned). A 401 on an interaction route only means that interaction's token
/// expired or is invalid (code 50027) and is not recorded here.
/// </summary>
internal sealed class RestRateLimits(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, string> _routeToBucket = new();
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _routeGates = new();
    private long _globalUntilTicks;
    private volatile bool _unauthorized;

    public bool Unauthorized => _unauthorized;

    public void MarkUnauthorized() => _unauthorized = true;

    /// <summary>One request per route at a time, so two calls never both spend a bucket's last slot.</summary>
    public SemaphoreSlim GateFor(RestRoute route) => _routeGates.GetOrAdd(route.Template + "|" + route.Major, static _ => new SemaphoreSlim(1, 1));

    /// <summary>How long to wait before the next call on <paramref name="route"/> (zero when it may go now).</summary>
    public TimeSpan DelayFor(RestRoute route)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        var globalUntil = new DateTimeOffset(Interlocked.Read(ref _globalUntilTicks), TimeSpan.Zero);
        // Interaction endpoints are not bound to the bot's global rate limit: acknowledgements never wait behind it.
        if (globalUntil > now && !route.IsInteraction)
        {
            wait = globalUntil - now;
        }

        if (_buckets.TryGetValue(KeyFor(route), out var bucket))
        {
            lock (bucket)
            {
                if (bucket.Remaining <= 0 && bucket.ResetAt > now && bucket.ResetAt - now > wait)
                {
                    wait = bucket.ResetAt - now;
                }
            }
        }

        return wait;
    }

    public void Update(RestRoute route, HttpResponseHeaders headers)
    {
        var bucketId = Header(headers, "X-RateLimit-Bucket");
        if (bucketId is not null)
        {
            _routeToBucket[route.Template] = bucketId;
        }

        var remaining = Header(headers, "X-RateLimit-Remaining");
        var resetAfter = Header(headers, "X-RateLimit-Reset-After");
        if (remaining is null || resetAfter is null
            || !int.TryParse(remaining, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left)
            || !double.TryParse(resetAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return;
        }

        var bucket = _buckets.GetOrAdd(KeyFor(route), static _ => new Bucket());
        lock (bucket)
        {
            bucket.Remaining = left;
            bucket.ResetAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, seconds));
        }
    }

    /// <summary>A 429: block the route's bucket (or, when global, every call) for <paramref name="retryAfter"/>.</summary>
    public void Block(RestRoute route, TimeSpan retryAfter, bool global)
    {
        var until = time.GetUtcNow() + retryAfter;
        if (global)
        {
            Interlocked.Exchange(ref _globalUntilTicks, until.UtcTicks);
            if (!route.IsInteraction)
            {
                return;
            }

            // An interaction route skips the global block, so hold back at least the route that was refused.
        }

        var bucket = _buckets.GetOrAdd(KeyFor(route), static _ => new Bucket());
        lock (bucket)
        {
            bucket.Remaining = 0;
            bucket.ResetAt = until;
        }
    }

    // Discord buckets are shared per bucket hash and major parameter (channel, guild, webhook).
    private string KeyFor(RestRoute route) =>
        (_routeToBucket.TryGetValue(route.Template, out var bucket) ? bucket : route.Template) + "|" + route.Major;

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private sealed class Bucket
    {
        public int Remaining { get; set; } = 1;

        public DateTimeOffset ResetAt { get; set; }
    }
}
