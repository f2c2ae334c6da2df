using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Core.Corpus;

/// <summary>
/// Reloads the corpus when an article or the language data changes on disk, and on SIGHUP. File events come in bursts
/// (an editor writes, renames and touches), so a reload starts once the folder has been quiet for
/// <see cref="CorpusOptions.ReloadDelayMilliseconds"/>. File-system events can be lost (a network or container
/// file system, an overflowing event queue), so a periodic check
/// of the files' names, sizes and times every <see cref="CorpusOptions.PollSeconds"/> catches what the events miss.
/// </summary>
public sealed partial class CorpusWatcher(
    CorpusReloader reloader,
    CorpusSources sources,
    IOptions<CorpusOptions> options,
    ILogger<CorpusWatcher> logger) : BackgroundService
{
    // Real time on purpose: the watcher's quiet period and poll must not add timers to a test clock that drives the
    // adapters' back-off; its own tests use real files, real time and bounded waits.
    private readonly TimeProvider time = TimeProvider.System;

    private readonly Channel<string> _triggers = Channel.CreateBounded<string>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly List<FileSystemWatcher> _watchers = [];
    private PosixSignalRegistration? _hangup;

    /// <summary>Asks for a reload (coalesced with any already pending).</summary>
    public void Request(string reason) => _triggers.Writer.TryWrite(reason);

    private string _filesAtStart = string.Empty;

    /// <summary>
    /// Watching starts before the host reports started (ExecuteAsync runs later, on the thread pool): a file written
    /// right after start is never missed.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _filesAtStart = FilesState();
        StartWatching();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var quiet = TimeSpan.FromMilliseconds(options.Value.ReloadDelayMilliseconds);
        var polling = options.Value.Watch && options.Value.PollSeconds > 0 ? PollAsync(stoppingToken) : Task.CompletedTask;
        try
        {
            while (await _triggers.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var reason = await _triggers.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);

                // Wait until no new event arrived for the quiet period, so one save is one reload.
                while (true)
                {
                    await Task.Delay(quiet, time, stoppingToken).ConfigureAwait(false);
                    if (!_triggers.Reader.TryRead(out var later))
                    {
                        break;
                    }

                    reason = later;
                }

                await reloader.ReloadAsync(reason, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }

        await polling.ConfigureAwait(false);
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        var seen = _filesAtStart;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = FilesState();
                if (now != seen)
                {
                    seen = now;
                    Request("a change found by the periodic check");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>Names, sizes and write times of the articles and the watched data files, as one comparable string.</summary>
    private string FilesState()
    {
        try
        {
            var files = Directory.Exists(sources.CorpusFolder) ? Directory.GetFiles(sources.CorpusFolder, "*.md") : [];
            return string.Join('\n', files.Concat(sources.WatchedDataFiles).Order(StringComparer.Ordinal)
                .Select(f => new FileInfo(f))
                .Select(f => f.Exists ? $"{f.FullName}|{f.Length}|{f.LastWriteTimeUtc.Ticks}" : f.FullName));
        }
        catch (IOException)
        {
            // The folder changed under the scan; the next tick sees the result.
            return string.Empty;
        }
    }

    private void StartWatching()
    {
        if (!options.Value.Watch)
        {
            Log.NotWatching(logger);
        }
        else
        {
            var corpus = new FileSystemWatcher(sources.CorpusFolder, "*.md") { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            Subscribe(corpus, "a change in the corpus folder");
            foreach (var folder in sources.WatchedDataFiles.GroupBy(Path.GetDirectoryName).Where(g => g.Key is not null && Directory.Exists(g.Key)))
            {
                var names = folder.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
                var data = new FileSystemWatcher(folder.Key!) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
                Subscribe(data, "a change in the language data", e => names.Contains(Path.GetFileName(e.FullPath)));
            }

            Log.Watching(logger, sources.CorpusFolder);
        }

        try
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // SIGHUP asks for a reload; it must not stop the process.
                context.Cancel = true;
                Request("SIGHUP");
            });
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGHUP on this platform; file changes and `reindex` still reload.
        }
    }

    private void Subscribe(FileSystemWatcher watcher, string reason, Func<FileSystemEventArgs, bool>? filter = null)
    {
        void OnEvent(object? sender, FileSystemEventArgs e)
        {
            if (filter is null || filter(e))
            {
                Request($"{reason} ({Path.GetFileName(e.FullPath)})");
            }
        }

        watcher.Created += OnEvent;
        watcher.Changed += OnEvent;
        watcher.Deleted += OnEvent;
        watcher.Renamed += (sender, e) => OnEvent(sender, e);
        watcher.Error += (_, e) =>
        {
            // The watcher's buffer overflowed: events were lost, so reload to be sure.
            Log.WatcherError(logger, e.GetException().Message);
            Request("lost file events");
        };
        watcher.EnableRaisingEvents = true;
        _watchers.Add(watcher);
    }

    public override void Dispose()
    {
        _hangup?.Dispose();
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Watching {Folder} and the language data for changes (SIGHUP also reloads)")]
        public static partial void Watching(ILogger logger, string folder);

        [LoggerMessage(EventId = 131, Level = LogLevel.Information, Message = "Corpus:Watch is off: the corpus reloads only on SIGHUP")]
        public static partial void NotWatching(ILogger logger);

        [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "The file watcher lost events ({Problem}); reloading the corpus")]
        public static partial void WatcherError(ILogger logger, string problem);
    }
}
