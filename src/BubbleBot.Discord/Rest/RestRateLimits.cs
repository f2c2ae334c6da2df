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
    private long _cloudflareUntilTicks;
    private volatile bool _unauthorized;

    public bool Unauthorized => _unauthorized;

    public void MarkUnauthorized() => _unauthorized = true;

    /// <summary>Past this many entries, expired buckets (and idle gates) are dropped, so per-interaction routes do not pile up.</summary>
    internal const int PruneThreshold = 1024;

    /// <summary>401, 403 and non-shared 429 answers: Discord bans the IP for a while at 10,000 in 10 minutes.</summary>
    public InvalidRequestCounter InvalidRequests { get; } = new(time);

    internal int TrackedEntries => _buckets.Count + _routeGates.Count;

    /// <summary>
    /// One HTTP exchange per route at a time, so two calls never both spend a bucket's last slot. Interaction routes
    /// have none: each carries its own token, used by one call at a time anyway, and gates per token would pile up.
    /// </summary>
    public SemaphoreSlim? GateFor(RestRoute route)
    {
        if (route.IsInteraction)
        {
            return null;
        }

        if (_routeGates.Count > PruneThreshold)
        {
            foreach (var (key, gate) in _routeGates)
            {
                // An idle gate is recreated on demand; one in use stays.
                if (gate.CurrentCount == 1)
                {
                    _routeGates.TryRemove(key, out _);
                }
            }
        }

        return _routeGates.GetOrAdd(route.Template + "|" + route.Major, static _ => new SemaphoreSlim(1, 1));
    }

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

        // A Cloudflare block is on the IP address: nothing gets through, interactions included.
        var blockedUntil = new DateTimeOffset(Interlocked.Read(ref _cloudflareUntilTicks), TimeSpan.Zero);
        if (blockedUntil > now && blockedUntil - now > wait)
        {
            wait = blockedUntil - now;
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

        PruneBuckets();
        var bucket = _buckets.GetOrAdd(KeyFor(route), static _ => new Bucket());
        lock (bucket)
        {
            bucket.Remaining = left;
            bucket.ResetAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, seconds));
        }
    }

    /// <summary>A 429: block the route's bucket, every bot-token call (global), or every call (Cloudflare) for <paramref name="retryAfter"/>.</summary>
    public void Block(RestRoute route, TimeSpan retryAfter, RateLimitScope scope)
    {
        var until = time.GetUtcNow() + retryAfter;
        switch (scope)
        {
            case RateLimitScope.Cloudflare:
                Interlocked.Exchange(ref _cloudflareUntilTicks, until.UtcTicks);
                return;
            case RateLimitScope.Global:
                Interlocked.Exchange(ref _globalUntilTicks, until.UtcTicks);
                if (!route.IsInteraction)
                {
                    return;
                }

                // An interaction route skips the global block, so hold back at least the route that was refused.
                break;
        }

        var bucket = _buckets.GetOrAdd(KeyFor(route), static _ => new Bucket());
        lock (bucket)
        {
            bucket.Remaining = 0;
            bucket.ResetAt = until;
        }
    }

    private void PruneBuckets()
    {
        if (_buckets.Count <= PruneThreshold)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var (key, bucket) in _buckets)
        {
            // A bucket past its reset holds nothing worth knowing: the next answer's headers describe it again.
            if (bucket.ResetAt <= now)
            {
                _buckets.TryRemove(key, out _);
            }
        }

        if (_routeToBucket.Count > PruneThreshold)
        {
            _routeToBucket.Clear();
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

/// <summary>Which limit a 429 belongs to.</summary>
internal enum RateLimitScope
{
    /// <summary>One bucket (a route and its major parameter): other routes and channels carry on.</summary>
    Route,

    /// <summary>The bot's global limit: every bot-token call waits; interaction routes do not.</summary>
    Global,

    /// <summary>An HTML 429 from Cloudflare: the IP is blocked, every call waits.</summary>
    Cloudflare,
}

/// <summary>
/// Counts 401, 403 and 429 answers in a sliding 10-minute window (in 10-second slots, so memory stays fixed).
/// Discord bans the IP for a while at 10,000; past <see cref="SoftLimit"/> the adapter drops optional calls (typing),
/// past <see cref="HardLimit"/> it stops calling until the window slides.
/// </summary>
internal sealed class InvalidRequestCounter(TimeProvider time)
{
    public const int SoftLimit = 5_000;
    public const int HardLimit = 9_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private static readonly long SlotTicks = TimeSpan.FromSeconds(10).Ticks;
    private const int Slots = 60;

    private readonly Lock _gate = new();
    private readonly int[] _counts = new int[Slots];
    private readonly long[] _slotOf = new long[Slots];

    public int Count
    {
        get
        {
            var slot = time.GetUtcNow().UtcTicks / SlotTicks;
            lock (_gate)
            {
                var total = 0;
                for (var i = 0; i < Slots; i++)
                {
                    if (slot - _slotOf[i] < Slots)
                    {
                        total += _counts[i];
                    }
                }

                return total;
            }
        }
    }

    public bool OptionalCallsAllowed => Count < SoftLimit;

    public bool CallsAllowed => Count < HardLimit;

    public void Record()
    {
        var slot = time.GetUtcNow().UtcTicks / SlotTicks;
        var index = (int)(slot % Slots);
        lock (_gate)
        {
            if (_slotOf[index] != slot)
            {
                _slotOf[index] = slot;
                _counts[index] = 0;
            }

            _counts[index]++;
        }
    }
}
