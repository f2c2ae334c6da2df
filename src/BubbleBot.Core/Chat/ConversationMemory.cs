using System.Collections.Concurrent;
using BubbleBot.Core.Answering;

namespace BubbleBot.Core.Chat;

/// <summary>
/// The last few exchanges of each conversation (a private chat, a reply chain, a thread), kept in memory
/// and forgotten after a quiet spell, so that follow-ups can be understood.
/// </summary>
public sealed class ConversationMemory(TimeProvider time)
{
    public const int MaxTurns = 4;
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(30);

    private const int PruneThreshold = 1024;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Conversation> _conversations = new();
    private readonly Lock _pruneGate = new();
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private int _countAfterPrune = PruneThreshold;

    public IReadOnlyList<ConversationTurn> Recent(string conversationKey)
    {
        if (!_conversations.TryGetValue(conversationKey, out var conversation))
        {
            return [];
        }

        lock (conversation)
        {
            if (time.GetUtcNow() - conversation.LastSeen > Expiry)
            {
                _conversations.TryRemove(conversationKey, out _);
                return [];
            }

            return [.. conversation.Turns];
        }
    }

    public void Remember(string conversationKey, ConversationTurn turn)
    {
        var now = time.GetUtcNow();
        var conversation = _conversations.GetOrAdd(conversationKey, static _ => new Conversation());
        lock (conversation)
        {
            if (now - conversation.LastSeen > Expiry)
            {
                conversation.Turns.Clear();
            }

            conversation.Turns.Enqueue(turn);
            while (conversation.Turns.Count > MaxTurns)
            {
                conversation.Turns.Dequeue();
            }

            conversation.LastSeen = now;
        }

        PruneExpired(now);
    }

    /// <summary>Links another key (for example the id of the bot's reply) to an existing conversation.</summary>
    public void Alias(string existingKey, string newKey)
    {
        if (_conversations.TryGetValue(existingKey, out var conversation))
        {
            _conversations[newKey] = conversation;
        }
    }

    private void PruneExpired(DateTimeOffset now)
    {
        // A scan visits every conversation, so it runs only past the threshold and then at most once a minute (or when
        // the count has doubled since the last one), not on every write: the memory stays bounded without making a
        // busy bot's every answer O(conversations).
        var count = _conversations.Count;
        if (count < PruneThreshold)
        {
            return;
        }

        lock (_pruneGate)
        {
            if (now - _lastPrune < PruneInterval && count < 2 * _countAfterPrune)
            {
                return;
            }

            _lastPrune = now;
            PruneScans++;
            foreach (var (key, conversation) in _conversations)
            {
                if (now - conversation.LastSeen > Expiry)
                {
                    _conversations.TryRemove(key, out _);
                }
            }

            _countAfterPrune = Math.Max(_conversations.Count, PruneThreshold);
        }
    }

    /// <summary>Conversations held (for tests of the memory bound).</summary>
    internal int Count => _conversations.Count;

    /// <summary>Full scans done so far (for tests of the pruning rate).</summary>
    internal int PruneScans { get; private set; }

    private sealed class Conversation
    {
        public Queue<ConversationTurn> Turns { get; } = new();

        public DateTimeOffset LastSeen { get; set; } = DateTimeOffset.MinValue;
    }
}
