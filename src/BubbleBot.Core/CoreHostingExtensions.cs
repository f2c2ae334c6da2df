using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Configuration;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Feedback;
using BubbleBot.Core.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core;

public static class CoreHostingExtensions
{
    /// <summary>
    /// Registers the corpus, the one retrieval layer and the extractive answers that every adapter shares, with
    /// their options validated at start. The first corpus snapshot is built while the host starts, not at the first
    /// question; <see cref="CorpusWatcher"/> rebuilds it when the files change and swaps it in whole.
    /// </summary>
    public static IHostApplicationBuilder AddBubbleBotCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CorpusOptions>().Bind(builder.Configuration.GetSection(CorpusOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetrievalOptions>().Bind(builder.Configuration.GetSection(RetrievalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FeedbackOptions>().Bind(builder.Configuration.GetSection(FeedbackOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => DataPaths.ForProgram());
        services.AddSingleton<CorpusLoader>();
        services.AddSingleton(sp => CorpusSources.From(
            sp.GetRequiredService<DataPaths>(),
            sp.GetRequiredService<IOptions<CorpusOptions>>().Value,
            sp.GetRequiredService<IOptions<RetrievalOptions>>().Value));
        services.AddSingleton<CorpusBuilder>();
        services.AddSingleton(sp => new CorpusSnapshots(sp.GetRequiredService<CorpusBuilder>().Build(version: 1, persist: true)));
        services.AddSingleton<CorpusReloader>();
        services.AddSingleton<CorpusWatcher>();

        // Consumers that live as long as the process see the current snapshot through these.
        services.AddSingleton<IArticleCatalog, LiveArticleCatalog>();
        services.AddSingleton<IChunkStore, LiveChunkStore>();
        services.AddSingleton<LiveRetriever>();
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<LiveRetriever>());
        services.AddSingleton<IAnswerService, LiveAnswerService>();

        // The start-up snapshot's parts, for tests and benchmarks that inspect them; they do not follow reloads.
        services.AddSingleton(sp => sp.GetRequiredService<CorpusSnapshots>().Current.Index);
        services.AddSingleton(sp => sp.GetRequiredService<CorpusSnapshots>().Current.Analyzer);
        services.AddSingleton(sp => sp.GetRequiredService<CorpusSnapshots>().Current.Retriever);

        // Model answers fall back to these extractive answers; they read the live corpus.
        services.AddSingleton(sp => new ExtractiveAnswerService(
            sp.GetRequiredService<IRetriever>(), sp.GetRequiredService<IArticleCatalog>(), sp.GetRequiredService<IChunkStore>()));

        services.AddSingleton<UserRateLimiter>();
        services.AddSingleton<ConversationMemory>();
        services.AddSingleton<ChatPipeline>();

        // Questions, answers and votes for the operator's report: SQLite under Storage:DataPath, else kept in memory.
        services.TryAddSingleton<IFeedbackStore>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataPath is { Length: > 0 } dataPath
                ? new SqliteFeedbackStore(sp.GetRequiredService<DataPaths>().ResolveWritable(Path.Combine(dataPath, FeedbackOptions.FileName)))
                : new InMemoryFeedbackStore());
        services.AddSingleton<FeedbackRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedbackRecorder>());
        services.AddSingleton<FeedbackReporter>();
        services.AddHostedService<RetrievalWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<CorpusWatcher>());
        return builder;
    }
}

/// <summary>Builds the first corpus snapshot and warms it while the host starts, so a broken corpus fails the start.</summary>
internal sealed partial class RetrievalWarmup(CorpusSnapshots snapshots, ILogger<RetrievalWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var snapshot = snapshots.Current;
        snapshot.Warm();

        // The first segmentation loads jieba's models; do it now rather than on the first question.
        snapshot.Analyzer.Analyze("AI 泡沫会破裂吗？");
        Log.Ready(logger, snapshot.Catalog.Articles.Count, snapshot.Index.Chunks.Count, snapshot.Index.ReusedPersistedIndex);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Retrieval ready: {Articles} articles, {Chunks} chunks (persisted index reused: {Reused})")]
        public static partial void Ready(ILogger logger, int articles, int chunks, bool reused);
    }
}
