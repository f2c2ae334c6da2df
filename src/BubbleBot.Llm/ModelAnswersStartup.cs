using BubbleBot.Llm.Configuration;
using BubbleBot.Llm.Embeddings;
using BubbleBot.Llm.Prompts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm;

/// <summary>
/// Loads the prompts (a missing prompt fails the start) and builds the vector index while the host starts, so the first
/// question does not pay for it. An embedding failure is logged and leaves retrieval BM25 only.
/// </summary>
internal sealed class ModelAnswersStartup(
    PromptLibrary prompts,
    IOptions<LlmOptions> options,
    VectorIndex? vectorIndex,
    ILogger<ModelAnswersStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        LlmLog.Enabled(logger, o.GetProvider().ToString(), o.ChatModel!, o.HasEmbeddings ? o.EmbeddingModel! : "(none)", o.TimeoutSeconds);
        LlmLog.PromptsLoaded(logger, prompts.Folder);
        if (vectorIndex is not null)
        {
            await vectorIndex.BuildAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
