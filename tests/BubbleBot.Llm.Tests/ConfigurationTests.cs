using BubbleBot.Llm.Answering;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Retrieval;
using BubbleBot.Llm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Without_a_provider_the_extractive_default_stays()
    {
        using var host = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Corpus:Path"] = Path.Combine(TestHost.RepositoryRoot, "corpus"),
            ["Storage:DataPath"] = _data.Path,
        });

        // The core's own answers and BM25 retrieval, each over the live corpus snapshot.
        Assert.IsNotType<ModelAnswerService>(host.Services.GetRequiredService<IAnswerService>());
        Assert.IsType<BubbleBot.Core.Corpus.LiveRetriever>(host.Services.GetRequiredService<IRetriever>());
    }

    [Fact]
    public void The_model_client_recycles_its_connections_so_dns_changes_are_picked_up()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>
        {
            ["Corpus:Path"] = Path.Combine(TestHost.RepositoryRoot, "corpus"),
            ["Storage:DataPath"] = _data.Path,
            ["LLM:Provider"] = "OpenAICompatible",
            ["LLM:Endpoint"] = "http://127.0.0.1:9/v1",
            ["LLM:ChatModel"] = "x",
        });
        var factoryOptions = host.Services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(LlmHostingExtensions.HttpClientName);
        var builder = host.Services.GetRequiredService<HttpMessageHandlerBuilder>();

        foreach (var configure in factoryOptions.HttpMessageHandlerBuilderActions)
        {
            configure(builder);
        }

        var handler = Assert.IsType<SocketsHttpHandler>(builder.PrimaryHandler);
        Assert.Equal(TimeSpan.FromMinutes(5), handler.PooledConnectionLifetime);
        Assert.Equal(LlmHostingExtensions.PooledConnectionLifetime, handler.PooledConnectionLifetime);
    }

    [Theory]
    [InlineData("AzureOpenAI", null, "key", "gpt-4o", "LLM:Endpoint is required when LLM:Provider is AzureOpenAI")]
    [InlineData("OpenAICompatible", null, null, "qwen2.5:7b", "LLM:Endpoint is required when LLM:Provider is OpenAICompatible")]
    [InlineData("OpenAI", null, null, "gpt-4o-mini", "LLM:ApiKey is required when LLM:Provider is OpenAI")]
    [InlineData("OpenAI", null, "key", null, "LLM:ChatModel is required")]
    [InlineData("OpenAICompatible", "localhost:11434", null, "x", "LLM:Endpoint must be an absolute http or https URL")]
    public async Task A_bad_configuration_fails_at_start_naming_the_key(string provider, string? endpoint, string? apiKey, string? chatModel, string expected)
    {
        using var host = TestHost.Build(new Dictionary<string, string?>
        {
            ["Corpus:Path"] = Path.Combine(TestHost.RepositoryRoot, "corpus"),
            ["Storage:DataPath"] = _data.Path,
            ["LLM:Provider"] = provider,
            ["LLM:Endpoint"] = endpoint,
            ["LLM:ApiKey"] = apiKey,
            ["LLM:ChatModel"] = chatModel,
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_timeout_outside_its_range_fails_at_start()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>
        {
            ["Corpus:Path"] = Path.Combine(TestHost.RepositoryRoot, "corpus"),
            ["LLM:Provider"] = "OpenAICompatible",
            ["LLM:Endpoint"] = "http://127.0.0.1:9/v1",
            ["LLM:ChatModel"] = "x",
            ["LLM:TimeoutSeconds"] = "0",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("LLM:TimeoutSeconds", error.Message);
    }
}
