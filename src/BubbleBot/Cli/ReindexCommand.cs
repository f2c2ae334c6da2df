using BubbleBot.Core.Corpus;
using BubbleBot.Hosting;

namespace BubbleBot.Cli;

/// <summary>
/// <c>reindex</c>: loads and checks the corpus as the bot would (a broken file is named on stderr and skipped), builds
/// the index, and stores it in <c>Storage:DataPath</c> when that is set, so the next start reuses it. A running bot
/// reloads by itself when the files change, or on SIGHUP (<c>systemctl reload bubblebot</c>).
/// </summary>
public static class ReindexCommand
{
    public static async Task<int> RunAsync(string[] configuration, SettingsLocation location, TextWriter output, CancellationToken cancellationToken)
    {
        var builder = BubbleBotHost.CreateForCommands(configuration, location);
        using var host = builder.Build();
        BubbleBotHost.ValidateBeforeStart(host.Services);
        var snapshot = host.Services.GetRequiredService<CorpusSnapshots>().Current;
        var ids = string.Join(", ", snapshot.Catalog.Articles.Select(a => a.Id));
        await output.WriteLineAsync($"indexed: {snapshot.Catalog.Articles.Count} articles, {snapshot.Index.Chunks.Count} chunks ({ids})");
        await output.FlushAsync(cancellationToken);
        return CommandLine.Ok;
    }
}
