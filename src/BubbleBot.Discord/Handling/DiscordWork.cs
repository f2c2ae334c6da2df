using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Handling;

/// <summary>Answer work, queued by the gateway receive loop and done by workers, so the loop never waits on an answer.</summary>
internal abstract record DiscordWork(string Kind);

internal sealed record MessageWork(IncomingMessage Message) : DiscordWork("message");

/// <summary>An /ask to answer; <paramref name="ReceivedAt"/> dates its interaction token, which Discord honours for 15 minutes.</summary>
internal sealed record AskWork(IncomingInteraction Interaction, DateTimeOffset ReceivedAt) : DiscordWork("slash command");

/// <summary>
/// Short tracked tasks that must not wait behind answers (interaction acknowledgements, notices, command
/// registration). Answers themselves run in the shared <see cref="BubbleBot.Core.Chat.AnsweringStage"/>.
/// </summary>
internal sealed class DiscordWorkQueue(ILogger<DiscordWorkQueue> logger)
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

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

    public Task WhenTrackedDone() => Task.WhenAll(_running.Keys);
}
