using BubbleBot.Core.Configuration;
using BubbleBot.Core.Retrieval;
using BubbleBot.Telegram.Receiving;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace BubbleBot.Telegram.Tests;

/// <summary>The update journal's own rules: a poison update cannot crash every start, and a broken file costs no answer.</summary>
public sealed class UpdateJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bubblebot-journal-unit-").FullName;
    private readonly FakeLogger<UpdateJournal> _log = new();

    [Fact]
    public void An_update_left_unfinished_by_three_starts_is_dropped_at_the_fourth_with_a_warning()
    {
        using (var first = Journal(_dir))
        {
            Assert.True(first.Add(Update(1)));
        }

        for (var start = 1; start <= UpdateJournal.MaxAttempts; start++)
        {
            using var journal = Journal(_dir);
            Assert.Equal([1], journal.TakeUnfinished().Select(u => u.Id));
        }

        using (var fourth = Journal(_dir))
        {
            Assert.Empty(fourth.TakeUnfinished());
        }

        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Id.Id == 2035);
    }

    [Fact]
    public void A_journal_that_cannot_be_written_says_so_and_throws_nothing()
    {
        // A data path below a regular file can never be created.
        var file = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(file, "x");
        using var journal = Journal(Path.Combine(file, "data"));

        Assert.False(journal.Add(Update(7)));
        journal.Remove(7);
        Assert.Empty(journal.TakeUnfinished());
        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Id.Id == 2034);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private UpdateJournal Journal(string dataPath) =>
        new(Options.Create(new StorageOptions { DataPath = dataPath }), new DataPaths(_dir, _dir), _log);

    private static Update Update(int id) =>
        System.Text.Json.JsonSerializer.Deserialize<Update>(Updates.Private(id, 10, "Is AI a bubble?").ToJsonString(), JsonBotAPI.Options)!;
}
