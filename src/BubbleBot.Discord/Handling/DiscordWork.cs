using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Handling;

/// <summary>Answer work, queued by the gateway receive loop and done by workers, so the loop never waits on an answer.</summary>
internal abstract record DiscordWork(string Kind);

internal sealed record MessageWork(IncomingMessage Message) : DiscordWork("message");

/// <summary>An /ask to answer; <paramref name="ReceivedAt"/> dates its interaction token, which Discord honours for 15 minutes.</summary>
internal sealed record AskWork(IncomingInteraction Interaction, DateTimeOffset ReceivedAt) : DiscordWork("slash command");

/// <summary>
/// The adapter's background work: a bounded queue of answers worked by a few consumers, and short tracked tasks
/// (interaction acknowledgements, command registration) that must not wait behind answers.
/// </summary>
internal sealed class DiscordWorkQueue(ILogger<DiscordWorkQueue> logger)
{
    public const int Capacity = 256;
    public const int Workers = 4;

    private readonly Channel<DiscordWork> _queue = Channel.CreateBounded<DiscordWork>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false });

    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Never blocks: when the queue is full the item is dropped and logged.</summary>
    public bool TryEnqueue(DiscordWork work)
    {
        if (_queue.Writer.TryWrite(work))
        {
            return true;
        }

        Log.QueueFull(logger, work.Kind);
        return false;
    }

    /// <summary>Runs <paramref name="work"/> now, off the caller's thread; failures are logged, never thrown.</summary>
    public void Run(string kind, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                Log.HandlerFailed(logger, exception, kind);
            }
        }, CancellationToken.None);
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    public Task StartWorkers(Func<DiscordWork, CancellationToken, Task> handle, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(handle, cancellationToken), CancellationToken.None)));

    /// <summary>No more work will come; workers finish what is queued.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public Task WhenTrackedDone() => Task.WhenAll(_running.Keys);

    private async Task WorkAsync(Func<DiscordWork, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await handle(work, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    // One bad question never stops the worker.
                    Log.HandlerFailed(logger, exception, work.Kind);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
