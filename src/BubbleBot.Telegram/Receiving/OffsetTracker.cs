namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// The getUpdates offset: one past the highest update the dispatcher accepted (or recognised as a repeat). Updates are
/// acknowledged on acceptance, not on completion, so one slow chat cannot hold the offset (and so every other chat)
/// back; see <see cref="UpdateDispatcher"/> for the trade-off.
/// </summary>
internal sealed class OffsetTracker
{
    private int _next;

    public int? Offset
    {
        get
        {
            var next = Volatile.Read(ref _next);
            return next == 0 ? null : next;
        }
    }

    public void Received(int updateId)
    {
        int current;
        while ((current = Volatile.Read(ref _next)) < updateId + 1 && Interlocked.CompareExchange(ref _next, updateId + 1, current) != current)
        {
        }
    }
}
