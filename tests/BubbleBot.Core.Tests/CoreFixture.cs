using BubbleBot.Core;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BubbleBot.Core.Tests;

/// <summary>The real core over the repository's real corpus, built once for the tests that share it.</summary>
public sealed class CoreFixture : IDisposable
{
    private readonly IHost _host;

    public CoreFixture()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Corpus:Path"] = RepositoryPaths.Corpus });
        builder.AddBubbleBotCore();
        _host = builder.Build();
    }

    public IAnswerService Answers => _host.Services.GetRequiredService<IAnswerService>();

    public IRetriever Retriever => _host.Services.GetRequiredService<IRetriever>();

    public IArticleCatalog Catalog => _host.Services.GetRequiredService<IArticleCatalog>();

    public QuestionAnalyzer Analyzer => _host.Services.GetRequiredService<QuestionAnalyzer>();

    public CorpusIndex Index => _host.Services.GetRequiredService<CorpusIndex>();

    public Task<Answer> AskAsync(string question) => Answers.AnswerAsync(new AnswerRequest(question), CancellationToken.None);

    public async Task<IReadOnlyList<string>> TopArticlesAsync(string question, int top = 3)
    {
        var hits = (await Retriever.RetrieveAsync(new RetrievalRequest(question), 10, CancellationToken.None)).Hits;
        return [.. hits.Select(h => h.Chunk.DocId).Distinct().Take(top)];
    }

    public void Dispose() => _host.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CoreCollection : ICollectionFixture<CoreFixture>
{
    public const string Name = "core";
}
