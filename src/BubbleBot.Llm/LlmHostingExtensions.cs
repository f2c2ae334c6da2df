using System.ClientModel;
using System.ClientModel.Primitives;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Retrieval;
using BubbleBot.Llm.Answering;
using BubbleBot.Llm.Configuration;
using BubbleBot.Llm.Embeddings;
using BubbleBot.Llm.Prompts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Azure.AI.OpenAI;
using OpenAI;

namespace BubbleBot.Llm;

public static class LlmHostingExtensions
{
    /// <summary>The named <see cref="HttpClient"/> every model request goes through, with <c>LLM:TimeoutSeconds</c> as its timeout.</summary>
    public const string HttpClientName = "BubbleBot.Llm";

    /// <summary>
    /// How long a pooled connection to the model server is reused. The kernel is a singleton holding one HttpClient (and
    /// so one handler) for the life of the process, so the factory's handler rotation never applies: recycling the
    /// connections is what makes a DNS change (failover, a moved endpoint) take effect.
    /// </summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Replaces the extractive answers with model-written, cited answers when <c>LLM:Provider</c> is set (and BM25 with
    /// hybrid retrieval when <c>LLM:EmbeddingModel</c> is set). Call after <c>AddBubbleBotCore()</c>. With no provider
    /// configured it registers nothing.
    /// </summary>
    public static IHostApplicationBuilder AddModelAnswers(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(LlmOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(LlmOptions.Provider)]))
        {
            return builder;
        }

        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(ExtractiveAnswerService)))
        {
            throw new InvalidOperationException("AddModelAnswers() must be called after AddBubbleBotCore(): model answers fall back to the core's extractive answers.");
        }

        services.AddOptions<LlmOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpClient(HttpClientName, (sp, http) => http.Timeout = sp.GetRequiredService<IOptions<LlmOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = PooledConnectionLifetime })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton(CreateKernel);
        services.AddSingleton<PromptLibrary>();
        services.AddSingleton<ModelCaller>();
        services.AddSingleton<FollowUpRewriter>();
        services.AddSingleton<AnswerValidator>();
        services.AddSingleton<ModelAnswerService>();
        services.RemoveAll<IAnswerService>();
        services.AddSingleton<IAnswerService>(sp => sp.GetRequiredService<ModelAnswerService>());

        var hybrid = !string.IsNullOrWhiteSpace(section[nameof(LlmOptions.EmbeddingModel)]);
        if (hybrid)
        {
            services.AddSingleton<EmbeddingCache>();
            services.AddSingleton(sp => sp.GetRequiredService<Kernel>().GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
            services.AddSingleton<VectorIndex>();
            services.AddSingleton<VectorRetriever>();
            services.AddSingleton<FusedRetriever>();
            services.RemoveAll<IRetriever>();
            services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<FusedRetriever>());
        }

        services.AddHostedService(sp => new ModelAnswersStartup(
            sp.GetRequiredService<PromptLibrary>(),
            sp.GetRequiredService<IOptions<LlmOptions>>(),
            hybrid ? sp.GetRequiredService<VectorIndex>() : null,
            sp.GetRequiredService<ILogger<ModelAnswersStartup>>()));
        return builder;
    }

    /// <summary>One kernel for the process, its connectors sending through the named, time-limited HttpClient.</summary>
    private static Kernel CreateKernel(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<LlmOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var kernel = Kernel.CreateBuilder();
        kernel.Services.AddSingleton(services.GetRequiredService<ILoggerFactory>());
        var chatModel = options.ChatModel!;
        var endpoint = string.IsNullOrWhiteSpace(options.Endpoint) ? null : new Uri(options.Endpoint);
        var apiKey = string.IsNullOrWhiteSpace(options.ApiKey) ? null : options.ApiKey;
        switch (options.GetProvider())
        {
            case LlmProvider.AzureOpenAI:
                kernel.AddAzureOpenAIChatCompletion(chatModel, options.Endpoint!, apiKey!, httpClient: http);
                if (options.HasEmbeddings)
                {
                    AddEmbeddings(kernel, CreateAzureClient(endpoint!, apiKey!, http), options.EmbeddingModel!);
                }

                break;
            case LlmProvider.OpenAI when endpoint is null:
                kernel.AddOpenAIChatCompletion(chatModel, apiKey!, httpClient: http);
                if (options.HasEmbeddings)
                {
                    AddEmbeddings(kernel, CreateOpenAIClient(null, apiKey, http), options.EmbeddingModel!);
                }

                break;
            default:
                // OpenAI at a custom endpoint, or any OpenAI-compatible server (a local one may need no key).
                kernel.AddOpenAIChatCompletion(chatModel, endpoint!, apiKey, httpClient: http);
                if (options.HasEmbeddings)
                {
                    AddEmbeddings(kernel, CreateOpenAIClient(endpoint, apiKey, http), options.EmbeddingModel!);
                }

                break;
        }

        return kernel.Build();
    }

    /// <summary>
    /// Embeddings go through Microsoft.Extensions.AI's <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over the OpenAI
    /// SDK client (the abstraction Semantic Kernel itself uses since 1.6x), because Semantic Kernel's own embedding
    /// registrations are still [Experimental] (SKEXP0010) in 1.82.
    /// </summary>
    private static void AddEmbeddings(IKernelBuilder kernel, OpenAIClient client, string model) =>
        kernel.Services.AddSingleton(client.GetEmbeddingClient(model).AsIEmbeddingGenerator());

    /// <summary>
    /// A client that sends through the named HttpClient, without the SDK's own retries and timeout, so that
    /// <c>LLM:TimeoutSeconds</c> is the one limit. A local server may need no key; the SDK insists on one.
    /// </summary>
    private static OpenAIClient CreateOpenAIClient(Uri? endpoint, string? apiKey, HttpClient http)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        if (endpoint is not null)
        {
            clientOptions.Endpoint = endpoint;
        }

        return new OpenAIClient(new ApiKeyCredential(apiKey ?? "unused"), clientOptions);
    }

    private static AzureOpenAIClient CreateAzureClient(Uri endpoint, string apiKey, HttpClient http) =>
        new(endpoint, new ApiKeyCredential(apiKey), new AzureOpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        });
}
