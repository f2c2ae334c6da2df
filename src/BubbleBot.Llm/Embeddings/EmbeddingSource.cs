using BubbleBot.Llm.Configuration;

namespace BubbleBot.Llm.Embeddings;

/// <summary>
/// What produces the vectors: the provider, the endpoint and the model. The same model name on another server (or an
/// Azure deployment of that name) may be another model, so all three name the cache file and enter every cache key.
/// </summary>
public sealed record EmbeddingSource(string Provider, string Endpoint, string Model)
{
    public static EmbeddingSource From(LlmOptions options) =>
        new(options.GetProvider().ToString(), NormalizeEndpoint(options.Endpoint), options.EmbeddingModel!);

    /// <summary>One line per part; the identity hashed into file names and keys.</summary>
    public string Id => $"{Provider}\n{Endpoint}\n{Model}";

    public override string ToString() => Endpoint.Length == 0 ? $"{Provider} {Model}" : $"{Provider} {Model} at {Endpoint}";

    /// <summary>Scheme and host case and a trailing slash do not make another endpoint; empty is the provider's default.</summary>
    internal static string NormalizeEndpoint(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return string.Empty;
        }

        return Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri)
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/')
            : endpoint.Trim().TrimEnd('/');
    }
}
