using System.Text.Json;
using BubbleBot.Discord.Rest;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord.Handling;

/// <summary>
/// Which messages are answered without a mention: every message in a channel of <c>Discord:AnswerChannelIds</c>, and
/// the opening message of every new post (thread) of a forum channel listed there. A forum post's opening message has
/// the thread's id, and the thread's parent is known only from THREAD_CREATE, so new threads are remembered (bounded).
/// </summary>
internal sealed class AnswerChannels(IOptions<DiscordOptions> options)
{
    private const int RememberedThreads = 1024;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _threads = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>THREAD_CREATE: remembers a new thread whose parent is an answer channel.</summary>
    public void OnThreadCreate(JsonElement d)
    {
        if (d.GetString("id") is not { } id || d.GetString("parent_id") is not { } parent || !options.Value.AnswerChannelIds.Contains(parent))
        {
            return;
        }

        lock (_gate)
        {
            if (_threads.Add(id))
            {
                _order.Enqueue(id);
                if (_order.Count > RememberedThreads)
                {
                    _threads.Remove(_order.Dequeue());
                }
            }
        }
    }

    /// <summary>Whether the MESSAGE_CREATE <paramref name="d"/> is answered without a mention.</summary>
    public bool Covers(JsonElement d)
    {
        if (d.GetString("channel_id") is not { } channel)
        {
            return false;
        }

        if (options.Value.AnswerChannelIds.Contains(channel))
        {
            return true;
        }

        lock (_gate)
        {
            return _threads.Contains(channel) && d.GetString("id") == channel;
        }
    }
}
