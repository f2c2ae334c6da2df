using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core;

public static class CoreHostingExtensions
{
    /// <summary>
    /// Registers the corpus, the one retrieval layer and the extractive answers that every adapter shares, with
    /// their options validated at start. The index is built while the host starts, not at the first question.
    /// </summary>
    public static IHostApplicationBuilder AddBubbleBotCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CorpusOptions>().Bind(builder.Configuration.GetSection(CorpusOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetrievalOptions>().Bind(builder.Configuration.GetSection(RetrievalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section));
        services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingletonTimeProvider();
        services.AddSingleton<CorpusLoader>();
        services.AddSingleton<IArticleCatalog>(sp =>
        {
            var path = sp.GetRequiredService<IOptions<CorpusOptions>>().Value.ResolvePath();
            return new ArticleCatalog(sp.GetRequiredService<CorpusLoader>().LoadDirectory(path));
        });
        services.AddSingleton(sp => CorpusIndex.Build(
            sp.GetRequiredService<IArticleCatalog>().Articles,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataPath is { Length: > 0 } dataPath ? dataPath : null));
        services.AddSingleton<IChunkStore>(sp => sp.GetRequiredService<CorpusIndex>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RetrievalOptions>>().Value;
            return QueryVocabulary.Load(
                RetrievalOptions.Resolve(options.VocabularyPath),
                RetrievalOptions.Resolve(options.StopwordsPath),
                RetrievalOptions.Resolve(Path.Combine("data", "cedict", "en-zh.tsv.gz")));
        });
        services.AddSingleton(sp => QuestionCues.Load(RetrievalOptions.Resolve(Path.Combine("data", "question-cues.tsv"))));
        services.AddSingleton(sp => new ChineseSegmenter(
            Path.GetDirectoryName(RetrievalOptions.Resolve(Path.Combine("data", "jieba", "dict.txt")))!,
            RetrievalOptions.Resolve(Path.Combine("data", "userdict.txt")),
            sp.GetRequiredService<IArticleCatalog>().Articles.SelectMany(a => a.Aliases)
                .Select(a => ScriptFolder.Fold(a).ToLowerInvariant())
                .Where(a => a.Length > 1 && a.All(LanguageDetector.IsHan))));
        services.AddSingleton<QuestionAnalyzer>();
        services.AddSingleton<LuceneRetriever>();
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<LuceneRetriever>());
        services.AddSingleton<ExtractiveAnswerService>();
        services.AddSingleton<IAnswerService>(sp => sp.GetRequiredService<ExtractiveAnswerService>());

        services.AddSingleton<UserRateLimiter>();
        services.AddSingleton<ConversationMemory>();
        services.AddSingleton<ChatPipeline>();
        services.AddHostedService<RetrievalWarmup>();
        return builder;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>Builds the corpus index and loads the vocabularies while the host starts, so a broken corpus fails the start.</summary>
internal sealed partial class RetrievalWarmup(CorpusIndex index, QueryVocabulary vocabulary, QuestionAnalyzer analyzer, ILogger<RetrievalWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        vocabulary.Preload();

        // The first segmentation loads jieba's models; do it now rather than on the first question.
        analyzer.Analyze("AI 泡沫会破裂吗？");
        Log.Ready(logger, index.Articles.Count, index.Chunks.Count, index.ReusedPersistedIndex);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Retrieval ready: {Articles} articles, {Chunks} chunks (persisted index reused: {Reused})")]
        public static partial void Ready(ILogger logger, int articles, int chunks, bool reused);
    }
}
