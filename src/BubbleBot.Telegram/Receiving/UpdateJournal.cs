using System.Text.Json;
using BubbleBot.Core.Configuration;
using BubbleBot.Core.Retrieval;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// The updates the bot has confirmed to Telegram (webhook 200, or the getUpdates offset moved past them) but not yet
/// finished, in one small SQLite file under <c>Storage:DataPath</c>. Telegram forgets an update once it is confirmed, so
/// without this a crash (or a kill) loses every accepted question still waiting for its answer. A row is written before
/// the update is confirmed and deleted once it was handled (answered, told "busy", given up after its time limit, or
/// apologised for at shutdown); what is left at start is replayed, deduplicated by <c>update_id</c>.
/// <para>
/// Why a journal rather than "answer the webhook only after handling": holding the response for up to
/// <c>Telegram:UpdateTimeoutSeconds</c> would tie each of Telegram's webhook connections (<c>max_connections</c>, 40 by
/// default) to one answer, so a few slow answers would stall every chat again, and a request Telegram abandons as too
/// slow comes back as a redelivery. (Polling has the same problem with the offset.) A journal keeps acknowledging fast
/// and makes the acknowledgement honest.
/// </para>
/// <para>
/// Availability comes before durability: a write that fails (disk full, read-only folder) is logged (2034) and the
/// update is still accepted, only without the crash guarantee; the bot does not stop answering because of its journal.
/// Without <c>Storage:DataPath</c> there is no journal (the documented in-memory trade-off). An update replayed
/// <see cref="MaxAttempts"/> times without finishing (it may be what crashes the process) is dropped with a warning.
/// </para>
/// </summary>
internal sealed class UpdateJournal : IDisposable
{
    public const string FileName = "telegram-updates.db";

    /// <summary>Starts that may try one update; past this it is dropped, so a poison update cannot crash every start.</summary>
    public const int MaxAttempts = 3;

    private readonly Lock _gate = new();
    private readonly string? _connectionString;
    private readonly ILogger<UpdateJournal> _logger;
    private SqliteConnection? _connection;
    private bool _disposed;

    public UpdateJournal(IOptions<StorageOptions> storage, DataPaths paths, ILogger<UpdateJournal> logger)
    {
        _logger = logger;
        if (storage.Value.DataPath is { Length: > 0 } dataPath)
        {
            Path = paths.ResolveWritable(System.IO.Path.Combine(dataPath, FileName));
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 5,
            }.ToString();
        }
    }

    /// <summary>The journal file, or null when <c>Storage:DataPath</c> is empty (no journal).</summary>
    public string? Path { get; }

    public bool Enabled => _connectionString is not null;

    /// <summary>Records <paramref name="update"/> before it is confirmed to Telegram; false when it could not be written.</summary>
    public bool Add(Update update)
    {
        if (!Enabled)
        {
            return false;
        }

        return Run(update.Id, connection =>
        {
            var body = JsonSerializer.Serialize(update, JsonBotAPI.Options);

            // A redelivery of an update already journaled keeps the first row (and its attempt count).
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT OR IGNORE INTO updates (update_id, body, attempts) VALUES ($id, $body, 0);";
            insert.Parameters.AddWithValue("$id", update.Id);
            insert.Parameters.AddWithValue("$body", body);
            insert.ExecuteNonQuery();
        });
    }

    /// <summary>The update was handled: it no longer needs to survive a crash.</summary>
    public void Remove(int updateId)
    {
        if (!Enabled)
        {
            return;
        }

        Run(updateId, connection =>
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM updates WHERE update_id = $id;";
            delete.Parameters.AddWithValue("$id", updateId);
            delete.ExecuteNonQuery();
        });
    }

    /// <summary>
    /// At start: the updates a previous run confirmed but did not finish, oldest first, each counted as one more attempt;
    /// those past <see cref="MaxAttempts"/> (or unreadable) are deleted instead (logged, 2035).
    /// </summary>
    public IReadOnlyList<Update> TakeUnfinished()
    {
        if (!Enabled)
        {
            return [];
        }

        var updates = new List<Update>();
        Run(0, connection =>
        {
            using var transaction = connection.BeginTransaction();
            using (var bump = connection.CreateCommand())
            {
                bump.Transaction = transaction;
                bump.CommandText = "UPDATE updates SET attempts = attempts + 1;";
                bump.ExecuteNonQuery();
            }

            var drop = new List<int>();
            using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "SELECT update_id, body, attempts FROM updates ORDER BY update_id;";
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    var id = reader.GetInt32(0);
                    if (reader.GetInt32(2) > MaxAttempts || Parse(reader.GetString(1)) is not { } update)
                    {
                        Log.JournalGaveUp(_logger, id, MaxAttempts);
                        drop.Add(id);
                        continue;
                    }

                    updates.Add(update);
                }
            }

            foreach (var id in drop)
            {
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM updates WHERE update_id = $id;";
                delete.Parameters.AddWithValue("$id", id);
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
        });
        return updates;
    }

    private static Update? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
    }

    /// <summary>
    /// One statement at a time on one connection (the file is tiny and each statement takes microseconds); a failure
    /// drops the connection so the next call opens the file afresh (a folder created or a lock released meanwhile).
    /// </summary>
    private bool Run(int updateId, Action<SqliteConnection> action)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            try
            {
                action(_connection ??= Open());
                return true;
            }
            catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or JsonException or NotSupportedException)
            {
                _connection?.Dispose();
                _connection = null;
                Log.JournalFailed(_logger, exception, updateId, Path!);
                return false;
            }
        }
    }

    private SqliteConnection Open()
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var setup = connection.CreateCommand();

            // WAL with synchronous=NORMAL: a commit survives the process dying (the case this file is for) without an
            // fsync per update; a power loss may lose the last few, which Telegram-side redelivery cannot help either.
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS updates (
                    update_id INTEGER PRIMARY KEY,
                    body TEXT NOT NULL,
                    attempts INTEGER NOT NULL);
                """;
            setup.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
