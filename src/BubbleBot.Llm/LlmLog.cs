using Microsoft.Extensions.Logging;

namespace BubbleBot.Llm;

/// <summary>Log events of model answers, ids 4000–4099. Neither the API key nor user text is ever logged above Debug.</summary>
internal static partial class LlmLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Model answers enabled: provider {Provider}, chat model {ChatModel}, embedding model {EmbeddingModel}, timeout {TimeoutSeconds}s")]
    public static partial void Enabled(ILogger logger, string provider, string chatModel, string embeddingModel, int timeoutSeconds);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Prompts loaded from {Folder}")]
    public static partial void PromptsLoaded(ILogger logger, string folder);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Model {Stage} request timed out after {TimeoutSeconds}s; answering without the model")]
    public static partial void Timeout(ILogger logger, string stage, int timeoutSeconds);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Model {Stage} request failed with HTTP status {StatusCode}; answering without the model")]
    public static partial void HttpError(ILogger logger, string stage, int? statusCode, Exception exception);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Model {Stage} request failed; answering without the model")]
    public static partial void Failed(ILogger logger, string stage, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "The model returned an empty {Stage} reply; answering without the model")]
    public static partial void Empty(ILogger logger, string stage);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "The model's answer cited none of the {Passages} passages; answering extractively")]
    public static partial void NoValidCitations(ILogger logger, int passages);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Information, Message = "The model found that the {Passages} passages do not answer the question")]
    public static partial void NotCovered(ILogger logger, int passages);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "Removed {Markers} citation markers naming no passage and {Links} links outside the corpus from the model's answer")]
    public static partial void Sanitized(ILogger logger, int markers, int links);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Information, Message = "Model answer ready: {Citations} citations from {Passages} passages")]
    public static partial void Answered(ILogger logger, int citations, int passages);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Debug, Message = "Follow-up rewritten into {Rewritten}")]
    public static partial void Rewritten(ILogger logger, string rewritten);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Could not rewrite the follow-up; retrieving with the question as asked")]
    public static partial void RewriteSkipped(ILogger logger);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Embeddings ready for {Model}: {Total} passages, {Cached} from the cache, {Embedded} embedded now ({CachePath})")]
    public static partial void EmbeddingsReady(ILogger logger, string model, int total, int cached, int embedded, string cachePath);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Error, Message = "Could not embed the corpus with {Model}; retrieval stays BM25 only")]
    public static partial void EmbeddingsFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Warning, Message = "Could not embed the question; this answer uses BM25 only")]
    public static partial void QueryEmbeddingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Warning, Message = "Embedding cache {Path} is unreadable and will be rebuilt")]
    public static partial void CacheUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 4034, Level = LogLevel.Warning, Message = "Could not write the embedding cache {Path}; the corpus will be embedded again at the next start")]
    public static partial void CacheWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 4036, Level = LogLevel.Warning, Message = "Embedding cache {Path} holds vectors of {Found} dimensions where {Expected} were expected; the corpus is embedded again")]
    public static partial void CacheDimensionMismatch(ILogger logger, string path, int expected, int found);

    [LoggerMessage(EventId = 4037, Level = LogLevel.Warning, Message = "The question's embedding has {Found} dimensions but the passages' have {Expected}; vector search is off and the cache {Path} is removed so the next start re-embeds the corpus")]
    public static partial void QueryDimensionMismatch(ILogger logger, int expected, int found, string path);

    [LoggerMessage(EventId = 4038, Level = LogLevel.Warning, Message = "Embedding model returned vectors of different dimensions ({First} and {Other}); retrieval stays BM25 only")]
    public static partial void EmbeddingDimensionsInconsistent(ILogger logger, int first, int other);

    [LoggerMessage(EventId = 4039, Level = LogLevel.Information, Message = "Building the vector index in the background; retrieval is BM25 only until it is ready")]
    public static partial void EmbeddingsBuilding(ILogger logger);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Warning, Message = "The model deadline of {TimeoutSeconds}s was spent before the answer request; answering without the model")]
    public static partial void DeadlineSpent(ILogger logger, int timeoutSeconds);

    [LoggerMessage(EventId = 4035, Level = LogLevel.Warning, Message = "Embedding model returned {Returned} vectors for {Requested} passages; retrieval stays BM25 only")]
    public static partial void EmbeddingCountMismatch(ILogger logger, int requested, int returned);
}
