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
        using (var first = Started(_dir))
        {
            Assert.True(first.Add(Update(1)));
        }

        for (var start = 1; start <= UpdateJournal.MaxAttempts; start++)
        {
            using var journal = Started(_dir);
            Assert.Equal([1], journal.TakeUnfinished().Select(u => u.Id));
        }

        using (var fourth = Started(_dir))
        {
            Assert.Empty(fourth.TakeUnfinished());
        }

        // The warning counts the starts that really tried it.
        var gaveUp = Assert.Single(_log.Collector.GetSnapshot(), r => r.Id.Id == 2035);
        Assert.Equal(UpdateJournal.MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture), gaveUp.StructuredState!.Single(p => p.Key == "Attempts").Value);
    }

    [Fact]
    public void A_journal_that_cannot_be_written_says_so_and_throws_nothing()
    {
        // A data path below a regular file can never be created.
        var file = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(file, "x");
        using var journal = Journal(Path.Combine(file, "data"));

        Assert.False(journal.Start(Bot));
        Assert.False(journal.Add(Update(7)));
        journal.Remove(7);
        Assert.Empty(journal.TakeUnfinished());
        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Id.Id == 2038);
        Assert.False(journal.Enabled);
    }

    /// <summary>
    /// A second instance on the same data path (the 409 case) must neither wait on the first one's file on every update
    /// nor replay the updates the first one is still answering: it runs without a journal, after one warning naming the file.
    /// </summary>
    [Fact]
    public void A_journal_held_by_another_instance_is_switched_off_with_one_warning_and_costs_no_waiting()
    {
        using var first = Started(_dir);
        Assert.True(first.Add(Update(1)));

        using var second = Journal(_dir);
        Assert.False(second.Start(Bot));
        Assert.False(second.Enabled);
        Assert.Empty(second.TakeUnfinished());
        Assert.False(second.Add(Update(2)));
        second.Remove(1);

        var warning = Assert.Single(_log.Collector.GetSnapshot(), r => r.Id.Id == 2038);
        Assert.Contains(Path.Combine(_dir, UpdateJournal.FileName), warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, first.CountUnfinished());
        Assert.True(first.Add(Update(3)));
        Assert.Equal(2, first.CountUnfinished());
    }

    [Fact]
    public void A_start_replays_only_its_own_bots_updates_and_leaves_another_bots_alone()
    {
        using (var old = Started(_dir, bot: 111))
        {
            Assert.True(old.Add(Update(1)));
        }

        using (var current = Started(_dir))
        {
            Assert.True(current.Add(Update(2)));
        }

        using (var current = Started(_dir))
        {
            Assert.Equal([2], current.TakeUnfinished().Select(u => u.Id));
        }

        using var back = Started(_dir, bot: 111);
        Assert.Equal([1], back.TakeUnfinished().Select(u => u.Id));
    }

    /// <summary>A row the serializer rejects in any way is dropped with a warning; the rows after it are still replayed.</summary>
    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"update_id":5,"message":{"message_id":"not a number"}}""")]
    [InlineData("null")]
    public void An_unreadable_row_is_dropped_and_the_rest_replayed(string body)
    {
        using (var journal = Started(_dir))
        {
            Assert.True(journal.Add(Update(4)));
            Assert.True(journal.Add(Update(6)));
        }

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, UpdateJournal.FileName)};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO pending (bot_id, update_id, body, attempts) VALUES ($bot, 5, $body, 0);";
            insert.Parameters.AddWithValue("$bot", Bot);
            insert.Parameters.AddWithValue("$body", body);
            insert.ExecuteNonQuery();
        }

        using (var restarted = Started(_dir))
        {
            Assert.Equal([4, 6], restarted.TakeUnfinished().Select(u => u.Id));
        }

        Assert.Single(_log.Collector.GetSnapshot(), r => r.Id.Id == 2039);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const long Bot = FakeBotApi.BotId;

    private UpdateJournal Started(string dataPath, long bot = Bot)
    {
        var journal = Journal(dataPath);
        Assert.True(journal.Start(bot));
        return journal;
    }

    private UpdateJournal Journal(string dataPath) =>
        new(Options.Create(new StorageOptions { DataPath = dataPath }), new DataPaths(_dir, _dir), _log);

    private static Update Update(int id) =>
        System.Text.Json.JsonSerializer.Deserialize<Update>(Updates.Private(id, 10, "Is AI a bubble?").ToJsonString(), JsonBotAPI.Options)!;
}
