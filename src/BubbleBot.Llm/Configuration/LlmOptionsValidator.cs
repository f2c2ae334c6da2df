using Microsoft.Extensions.Options;

namespace BubbleBot.Llm.Configuration;

/// <summary>Checks the rules that depend on the provider, naming the configuration key that is wrong.</summary>
internal sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Provider))
        {
            // Nothing to validate: model answers are off.
            return ValidateOptionsResult.Skip;
        }

        if (!Enum.TryParse<LlmProvider>(options.Provider, ignoreCase: true, out var provider) || !Enum.IsDefined(provider))
        {
            return ValidateOptionsResult.Fail(
                $"LLM:Provider '{options.Provider}' is not supported; use OpenAI, AzureOpenAI or OpenAICompatible (or leave it empty for extractive answers).");
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ChatModel))
        {
            failures.Add(provider == LlmProvider.AzureOpenAI
                ? "LLM:ChatModel is required (the Azure OpenAI deployment name of the chat model)."
                : "LLM:ChatModel is required when LLM:Provider is set.");
        }

        if (provider is LlmProvider.AzureOpenAI or LlmProvider.OpenAICompatible && string.IsNullOrWhiteSpace(options.Endpoint))
        {
            failures.Add($"LLM:Endpoint is required when LLM:Provider is {provider}.");
        }

        if (!string.IsNullOrWhiteSpace(options.Endpoint)
            && (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            failures.Add("LLM:Endpoint must be an absolute http or https URL.");
        }

        if (provider is LlmProvider.OpenAI or LlmProvider.AzureOpenAI && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            // The key itself is never echoed, only where to put it.
            failures.Add($"LLM:ApiKey is required when LLM:Provider is {provider} (set the environment variable LLM__ApiKey).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
