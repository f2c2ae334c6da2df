using BubbleBot.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Llm.Tests.Infrastructure;

/// <summary>The real core over the repository's corpus plus model answers, configured only from the given settings.</summary>
public static class TestHost
{
    public static string RepositoryRoot => RepositoryPaths.Root;

    public static Dictionary<string, string?> Settings(FakeModelServer server, string dataPath) => new()
    {
        ["Corpus:Path"] = Path.Combine(RepositoryRoot, "corpus"),
        ["Storage:DataPath"] = dataPath,
        ["LLM:Provider"] = "OpenAICompatible",
        ["LLM:Endpoint"] = server.Endpoint,
        ["LLM:ChatModel"] = "fake-chat",
    };

    /// <summary>Builds the host without starting it.</summary>
    public static IHost Build(IDictionary<string, string?> settings, TimeProvider? timeProvider = null)
    {
        // No defaults: the developer's environment (LLM__*, appsettings) must not leak into a test.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddFakeLogging();
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.AddBubbleBotCore();
        builder.AddModelAnswers();
        return builder.Build();
    }

    public static async Task<IHost> StartAsync(IDictionary<string, string?> settings, TimeProvider? timeProvider = null)
    {
        var host = Build(settings, timeProvider);
        await host.StartAsync();
        return host;
    }

    public static FakeLogCollector Logs(this IHost host) => host.Services.GetFakeLogCollector();

    /// <summary>Completes when the background build of the vector index has ended (ready, failed or cancelled).</summary>
    public static Task EmbeddingsBuilt(this IHost host) => host.Services.GetRequiredService<Embeddings.VectorIndex>().Built;
}

/// <summary>A temporary data folder removed after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bubblebot-llm-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a stopped host; the temp folder is cleaned eventually.
        }
    }
}
