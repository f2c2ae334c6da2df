namespace BubbleBot.Testing;

public static class CancellationTokenTasks
{
    /// <summary>A task that completes when <paramref name="token"/> is cancelled (bound it with WaitAsync).</summary>
    public static Task WhenCancelledAsync(this CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task;
    }
}
