using BubbleBot.Llm.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace BubbleBot.Llm.Answering;

/// <summary>
/// Invokes one prompt function within a deadline and turns every failure except the caller's own cancellation into a
/// logged <c>null</c>, so the answer service can always fall back to the extractive answer.
/// </summary>
public sealed class ModelCaller(Kernel kernel, IOptions<LlmOptions> options, TimeProvider timeProvider, ILogger<ModelCaller> logger)
{
    /// <summary>
    /// A deadline of <c>LLM:TimeoutSeconds</c> from now on the <see cref="TimeProvider"/> (so tests can expire it),
    /// shared by every model request of one answer. The HttpClient timeout is only a backstop.
    /// </summary>
    public CancellationTokenSource StartDeadline() => new(options.Value.Timeout, timeProvider);

    /// <summary>Invokes <paramref name="function"/> until <paramref name="deadline"/>; its expiry is a timeout, not a cancellation.</summary>
    public async Task<string?> InvokeAsync(KernelFunction function, KernelArguments arguments, string stage, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var timeoutSeconds = options.Value.TimeoutSeconds;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline);
        try
        {
            var result = await kernel.InvokeAsync(function, arguments, linked.Token);
            var text = result.GetValue<string>()?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                LlmLog.Empty(logger, stage);
                return null;
            }

            return text;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LlmLog.Timeout(logger, stage, timeoutSeconds);
            return null;
        }
        catch (HttpOperationException ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (ex.InnerException is OperationCanceledException or TimeoutException)
            {
                LlmLog.Timeout(logger, stage, timeoutSeconds);
            }
            else
            {
                LlmLog.HttpError(logger, stage, ex.StatusCode is { } status ? (int)status : null, ex);
            }

            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LlmLog.Failed(logger, stage, ex);
            return null;
        }
    }
}
