using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Chat;

public enum RateLimitDecision
{
    Allowed,

    /// <summary>Over the limit for the first time in this window: tell the user once.</summary>
    DeniedNotify,

    /// <summary>Still over the limit and already told: stay silent.</summary>
    DeniedSilent,
}

/// <summary>A sliding one-minute window per user, driven by <see cref="TimeProvider"/> so tests can move time.</summary>
public sealed class UserRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, UserWindow> _users = new();

    /// <summary>Past this many tracked users, users idle for a whole window are forgotten, so memory stays bounded.</summary>
    private const int PruneThreshold = 4096;

    public RateLimitDecision TryAcquire(string userKey)
    {
        var now = time.GetUtcNow();
        if (_users.Count > PruneThreshold)
        {
            PruneIdle(now);
        }

        var window = _users.GetOrAdd(userKey, static _ => new UserWindow());
        lock (window)
        {
            while (window.Stamps.Count > 0 && now - window.Stamps.Peek() >= Window)
            {
                window.Stamps.Dequeue();
            }

            if (window.Stamps.Count < options.Value.PerUserPerMinute)
            {
                window.Stamps.Enqueue(now);
                window.Notified = false;
                return RateLimitDecision.Allowed;
            }

            if (window.Notified)
            {
                return RateLimitDecision.DeniedSilent;
            }

            window.Notified = true;
            return RateLimitDecision.DeniedNotify;
        }
    }

    private void PruneIdle(DateTimeOffset now)
    {
        foreach (var (key, window) in _users)
        {
            lock (window)
            {
                if (window.Stamps.Count == 0 || now - window.Stamps.Last() >= Window)
                {
                    _users.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Users currently tracked (for tests of the memory bound).</summary>
    internal int TrackedUsers => _users.Count;

    private sealed class UserWindow
    {
        public Queue<DateTimeOffset> Stamps { get; } = new();

        public bool Notified { get; set; }
    }
}
