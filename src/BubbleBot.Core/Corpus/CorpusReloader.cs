using BubbleBot.Core.Retrieval;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Core.Corpus;

/// <summary>What one reload did.</summary>
public sealed record ReloadOutcome(bool Succeeded, int Version, int Articles, int Chunks, string Changes, string? Problem);

/// <summary>
/// Rebuilds the corpus snapshot off the question path and swaps it in when it is complete. Reloads never overlap; a
/// reload that fails (a duplicate id, an empty folder) keeps the current snapshot and logs one line.
/// </summary>
public sealed partial class CorpusReloader(CorpusSnapshots snapshots, CorpusBuilder builder, ILogger<CorpusReloader> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<ReloadOutcome> ReloadAsync(string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = snapshots.Current;
            CorpusSnapshot next;
            try
            {
                // Building reads files and indexes: keep it off the caller's thread (a file-watcher or signal callback).
                next = await Task.Run(() =>
                {
                    var snapshot = builder.Build(before.Version + 1, persist: false);
                    snapshot.Warm();
                    return snapshot;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CorpusException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Log.ReloadFailed(logger, reason, ex.Message);
                return new ReloadOutcome(false, before.Version, before.Catalog.Articles.Count, before.Index.Chunks.Count, string.Empty, ex.Message);
            }

            var changes = Describe(before.Catalog.Articles, next.Catalog.Articles);
            snapshots.Swap(next);
            Log.Reloaded(logger, next.Catalog.Articles.Count, next.Index.Chunks.Count, changes, reason);
            return new ReloadOutcome(true, next.Version, next.Catalog.Articles.Count, next.Index.Chunks.Count, changes, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>"+new-id -gone-id ~changed-id", or "no article changed".</summary>
    internal static string Describe(IReadOnlyList<Article> before, IReadOnlyList<Article> after)
    {
        var old = before.ToDictionary(a => a.Id, StringComparer.OrdinalIgnoreCase);
        var now = after.ToDictionary(a => a.Id, StringComparer.OrdinalIgnoreCase);
        var parts = after.Where(a => !old.ContainsKey(a.Id)).Select(a => "+" + a.Id)
            .Concat(before.Where(a => !now.ContainsKey(a.Id)).Select(a => "-" + a.Id))
            .Concat(after.Where(a => old.TryGetValue(a.Id, out var was) && !SameContent(was, a)).Select(a => "~" + a.Id))
            .ToList();
        return parts.Count == 0 ? "no article changed" : string.Join(' ', parts);
    }

    private static bool SameContent(Article a, Article b) =>
        (a.Title, a.TitleEn, a.Author, a.Published, a.Language, a.Source, a.Url, a.SummaryEn, a.UrlCarriesCorpusText, a.Body)
        == (b.Title, b.TitleEn, b.Author, b.Published, b.Language, b.Source, b.Url, b.SummaryEn, b.UrlCarriesCorpusText, b.Body)
        && a.Aliases.SequenceEqual(b.Aliases) && a.Claims.SequenceEqual(b.Claims)
        && a.SpeakerSpellings.Count == b.SpeakerSpellings.Count
        && a.SpeakerSpellings.All(s => b.SpeakerSpellings.TryGetValue(s.Key, out var other) && s.Value.SequenceEqual(other))
        && a.Alternates.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(b.Alternates.OrderBy(p => p.Key, StringComparer.Ordinal));

    public void Dispose() => _gate.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "reloaded: {Articles} articles, {Chunks} chunks ({Changes}) after {Reason}")]
        public static partial void Reloaded(ILogger logger, int articles, int chunks, string changes, string reason);

        [LoggerMessage(EventId = 121, Level = LogLevel.Error, Message = "Reload after {Reason} failed, still answering from the previous corpus: {Problem}")]
        public static partial void ReloadFailed(ILogger logger, string reason, string problem);
    }
}
