namespace BubbleBot.Discord.Gateway;

/// <summary>A sliding window of gateway sends per connection: Discord disconnects a client at once above 120 per 60 s.</summary>
internal sealed class SendRateLimiter(TimeProvider time, int limit = 120, TimeSpan? window = null)
{
    private readonly TimeSpan _window = window ?? TimeSpan.FromSeconds(60);
    private readonly Queue<DateTimeOffset> _sent = new();

    /// <summary>Waits until one more send fits in the window and records it. Callers serialize sends.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            while (_sent.Count > 0 && now - _sent.Peek() >= _window)
            {
                _sent.Dequeue();
            }

            if (_sent.Count < limit)
            {
                _sent.Enqueue(now);
                return;
            }

            await Task.Delay(_sent.Peek() + _window - now, time, cancellationToken);
        }
    }
}
