using BubbleBot.Llm.Configuration;
using BubbleBot.Llm.Embeddings;
using BubbleBot.Llm.Prompts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm;

/// <summary>
/// Loads the prompts (a missing prompt fails the start) and starts building the vector index in the background, so the
/// host starts at once: until the index is ready (<see cref="VectorIndex.Built"/>) retrieval is BM25 only. An embedding
/// failure is logged and leaves retrieval BM25 only; stopping the host cancels the build, keeping the batches done.
/// </summary>
internal sealed class ModelAnswersStartup(
    PromptLibrary prompts,
    IOptions<LlmOptions> options,
    VectorIndex? vectorIndex,
    ILogger<ModelAnswersStartup> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _build = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        LlmLog.Enabled(logger, o.GetProvider().ToString(), o.ChatModel!, o.HasEmbeddings ? o.EmbeddingModel! : "(none)", o.TimeoutSeconds);
        LlmLog.PromptsLoaded(logger, prompts.Folder);
        if (vectorIndex is not null)
        {
            LlmLog.EmbeddingsBuilding(logger);
            _build = Task.Run(() => BuildAsync(vectorIndex, _stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            // The build only waits on cancellable requests; a stop that must not wait longer still gets its way.
            await _build.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A host disposed without being stopped still ends the build.</summary>
    public void Dispose() => _stopping.Cancel();

    private async Task BuildAsync(VectorIndex index, CancellationToken stopping)
    {
        try
        {
            await index.BuildAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before the index was ready; the cache keeps the batches already embedded.
        }
        catch (Exception ex)
        {
            // Never let a background failure go unobserved; retrieval simply stays BM25 only.
            LlmLog.EmbeddingsFailed(logger, options.Value.EmbeddingModel!, ex);
        }
    }
}
