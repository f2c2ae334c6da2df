using System.ComponentModel.DataAnnotations;

namespace BubbleBot.Llm.Configuration;

/// <summary>Bound from the <c>LLM</c> section. An empty <see cref="Provider"/> leaves the extractive answers in place.</summary>
public sealed class LlmOptions
{
    public const string Section = "LLM";

    /// <summary><c>OpenAI</c>, <c>AzureOpenAI</c> or <c>OpenAICompatible</c> (Ollama, vLLM, llama.cpp server, LM Studio).</summary>
    public string? Provider { get; set; }

    /// <summary>Base URL of the API; required for Azure OpenAI and OpenAI-compatible servers (e.g. <c>http://localhost:11434/v1</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Secret; supply it through the environment (<c>LLM__ApiKey</c>) or user secrets, never a file in the repository.</summary>
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
    public LlmProvider GetProvider() => Enum.Parse<LlmProvider>(Provider!, ignoreCase: true);

    public bool HasEmbeddings => !string.IsNullOrWhiteSpace(EmbeddingModel);
}

public enum LlmProvider
{
    OpenAI,
    AzureOpenAI,
    OpenAICompatible,
}
