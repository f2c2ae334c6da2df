using System.ComponentModel.DataAnnotations;
using BubbleBot.Core.Configuration;

namespace BubbleBot.Llm.Configuration;

/// <summary>Bound from the <c>LLM</c> section. An empty <see cref="Provider"/> leaves the extractive answers in place.</summary>
public sealed class LlmOptions : IValidatableObject
{
    public const string Section = "LLM";

    /// <summary><c>OpenAI</c>, <c>AzureOpenAI</c> or <c>OpenAICompatible</c> (Ollama, vLLM, llama.cpp server, LM Studio).</summary>
    public LlmProvider? Provider { get; set; }

    /// <summary>Base URL of the API; required for Azure OpenAI and OpenAI-compatible servers (e.g. <c>http://localhost:11434/v1</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Secret; supply it through the environment (<c>LLM__ApiKey</c>) or user secrets, never a file in the repository.</summary>
    [Secret]
    public string? ApiKey { get; set; }

    /// <summary>The chat model; for Azure OpenAI the deployment name.</summary>
    public string? ChatModel { get; set; }

    /// <summary>The embedding model (Azure: deployment). Set, retrieval becomes hybrid: BM25 fused with vector similarity.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>
    /// How long the model may take for one question, the follow-up rewrite and the answer request together, before the
    /// bot answers extractively instead; also the limit of each embedding request.
    /// </summary>
    [Range(1, 600, ErrorMessage = "LLM:TimeoutSeconds must be between 1 and 600.")]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Cosine similarity a passage needs before vector search may offer it (0–1); tune per embedding model.</summary>
    [Range(0.0, 1.0, ErrorMessage = "LLM:MinSimilarity must be between 0 and 1.")]
    public double MinSimilarity { get; set; } = 0.5;

    /// <summary>Folder of the prompt templates; empty looks next to the program, then in <c>./prompts</c>.</summary>
    public string? PromptsPath { get; set; }

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>The parsed provider; only meaningful once the options have been validated.</summary>
    public LlmProvider GetProvider() => Provider!.Value;

    public bool HasEmbeddings => !string.IsNullOrWhiteSpace(EmbeddingModel);

    /// <summary>The rules that depend on the provider, each naming the key that is wrong. Nothing to check when model answers are off.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider is not { } provider)
        {
            yield break;
        }

        if (!Enum.IsDefined(provider))
        {
            yield return Fail($"LLM:Provider '{provider}' is not supported; use OpenAI, AzureOpenAI or OpenAICompatible (or leave it empty for extractive answers).");
            yield break;
        }

        if (string.IsNullOrWhiteSpace(ChatModel))
        {
            yield return Fail(provider == LlmProvider.AzureOpenAI
                ? "LLM:ChatModel is required (the Azure OpenAI deployment name of the chat model)."
                : "LLM:ChatModel is required when LLM:Provider is set.");
        }

        if (provider is LlmProvider.AzureOpenAI or LlmProvider.OpenAICompatible && string.IsNullOrWhiteSpace(Endpoint))
        {
            yield return Fail($"LLM:Endpoint is required when LLM:Provider is {provider}.");
        }

        if (!string.IsNullOrWhiteSpace(Endpoint)
            && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            yield return Fail("LLM:Endpoint must be an absolute http or https URL.");
        }

        if (provider is LlmProvider.OpenAI or LlmProvider.AzureOpenAI && string.IsNullOrWhiteSpace(ApiKey))
        {
            // The key itself is never echoed, only where to put it.
            yield return Fail($"LLM:ApiKey is required when LLM:Provider is {provider} (set the environment variable LLM__ApiKey).");
        }
    }

    private static ValidationResult Fail(string message) => new(message);
}

public enum LlmProvider
{
    OpenAI,
    AzureOpenAI,
    OpenAICompatible,
}
