using BubbleBot.Core.Text;
using BubbleBot.Core.Answering;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Telegram.Tests.Infrastructure;

/// <summary>
/// Answers at once, except a question containing "stuck": that one hangs, ignoring its cancellation token on purpose
/// (only the adapter's time limit can end it), until <see cref="Release"/>.
/// </summary>
public sealed class StuckAnswers
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the token the stuck question was handed, once it is hanging.</summary>
    public TaskCompletionSource<CancellationToken> Stuck { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.SetResult();

    public void Register(IServiceCollection services) => TestHosts.Answers(async (request, ct) =>
    {
        if (request.Question.Contains("stuck", StringComparison.Ordinal))
        {
            Stuck.TrySetResult(ct);
            await _release.Task;
        }

        return new Answer(request.Question, "Answer to " + request.Question, false, [], AnswerLanguage.English);
    })(services);
}
