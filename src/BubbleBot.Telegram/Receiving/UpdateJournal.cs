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
/// <para>
/// One process per file: <see cref="Start"/> takes SQLite's exclusive lock and keeps it until the process ends, so the
/// accept path never waits on another process's lock, and a second instance on the same <c>Storage:DataPath</c> (the
/// 409 case) runs without a journal (one warning, 2038) instead of stalling on the file or replaying the first
/// instance's updates while it is still answering them. Rows carry the bot id (from getMe), and a start replays only
/// its own bot's rows: after a token change the old bot's updates are not answered by the new one.
/// </para>
/// </summary>
internal sealed class UpdateJournal : IDisposable
{
    public const string FileName = "telegram-updates.db";

    /// <summary>Starts that may try one update; past this it is dropped, so a poison update cannot crash every start.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// Rows written before bot ids were stored carry this id; they are replayed by whichever bot starts next (the
    /// file was only ever used by one bot then).
    /// </summary>
    private const long UnknownBot = 0;

    private readonly Lock _gate = new();
    private readonly string? _connectionString;
    private readonly ILogger<UpdateJournal> _logger;
    private SqliteConnection? _connection;
    private long? _botId;
    private volatile bool _unavailable;
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

                // Only opening waits on a lock (the exclusive lock is ours afterwards): one second tells a file held by
                // another process from a slow disk without holding up the start.
                DefaultTimeout = 1,
            }.ToString();
        }
    }

    /// <summary>The journal file, or null when <c>Storage:DataPath</c> is empty (no journal).</summary>
    public string? Path { get; }

    /// <summary>Configured and not given up (another process holds the file).</summary>
    public bool Enabled => _connectionString is not null && !_unavailable;

    /// <summary>
    /// At start, once the bot knows who it is and before anything is accepted: opens the file and takes its exclusive
    /// lock for the life of the process. False (journal off for this run, logged once, 2038) when another process
    /// holds it or it cannot be opened.
    /// </summary>
    public bool Start(long botId)
    {
        lock (_gate)
        {
            if (!Enabled || _disposed)
            {
                return false;
            }

            _botId = botId;
            if (_connection is not null)
            {
                return true;
            }

            try
            {
                _connection = Open();
                return true;
            }
            catch (Exception exception) when (IsFileError(exception))
            {
                Unavailable(exception);
                return false;
            }
        }
    }

    /// <summary>Records <paramref name="update"/> before it is confirmed to Telegram; false when it could not be written.</summary>
    public bool Add(Update update) => Run(update.Id, (connection, bot) =>
    {
        var body = JsonSerializer.Serialize(update, JsonBotAPI.Options);

        // A redelivery of an update already journaled keeps the first row (and its attempt count).
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO pending (bot_id, update_id, body, attempts) VALUES ($bot, $id, $body, 0);";
        insert.Parameters.AddWithValue("$bot", bot);
        insert.Parameters.AddWithValue("$id", update.Id);
        insert.Parameters.AddWithValue("$body", body);
        insert.ExecuteNonQuery();
    });

    /// <summary>The update was handled: it no longer needs to survive a crash.</summary>
    public void Remove(int updateId) => Run(updateId, (connection, bot) =>
    {
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM pending WHERE update_id = $id AND bot_id IN ($bot, $unknown);";
        delete.Parameters.AddWithValue("$id", updateId);
        delete.Parameters.AddWithValue("$bot", bot);
        delete.Parameters.AddWithValue("$unknown", UnknownBot);
        delete.ExecuteNonQuery();
    });

    /// <summary>
    /// At start: this bot's updates a previous run confirmed but did not finish, oldest first, each counted as one more
    /// attempt; those past <see cref="MaxAttempts"/> (2035) or unreadable (2039) are deleted instead. Other bots' rows
    /// are left as they are.
    /// </summary>
    public IReadOnlyList<Update> TakeUnfinished()
    {
        var updates = new List<Update>();
        Run(0, (connection, bot) =>
        {
            using var transaction = connection.BeginTransaction();
            using (var bump = connection.CreateCommand())
            {
                bump.Transaction = transaction;
                bump.CommandText = "UPDATE pending SET attempts = attempts + 1 WHERE bot_id IN ($bot, $unknown);";
                bump.Parameters.AddWithValue("$bot", bot);
                bump.Parameters.AddWithValue("$unknown", UnknownBot);
                bump.ExecuteNonQuery();
            }

            var drop = new List<(long Bot, int Id)>();
            using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "SELECT bot_id, update_id, body, attempts FROM pending WHERE bot_id IN ($bot, $unknown) ORDER BY update_id;";
                select.Parameters.AddWithValue("$bot", bot);
                select.Parameters.AddWithValue("$unknown", UnknownBot);
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    var id = reader.GetInt32(1);
                    var attempts = reader.GetInt32(3);
                    if (attempts > MaxAttempts)
                    {
                        // This start is the row's attempt number `attempts`: the earlier ones all left it unfinished.
                        Log.JournalGaveUp(_logger, id, attempts - 1);
                        drop.Add((reader.GetInt64(0), id));
                        continue;
                    }

                    if (Parse(reader.GetString(2), out var error) is not { } update)
                    {
                        Log.JournalUnreadable(_logger, id, error);
                        drop.Add((reader.GetInt64(0), id));
                        continue;
                    }

                    updates.Add(update);
                }
            }

            foreach (var (rowBot, id) in drop)
            {
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM pending WHERE bot_id = $bot AND update_id = $id;";
                delete.Parameters.AddWithValue("$bot", rowBot);
                delete.Parameters.AddWithValue("$id", id);
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
        });
        return updates;
    }

    /// <summary>
    /// How many of this bot's updates are journaled and unfinished, read only (replaying counts attempts, this does not):
    /// for tests and diagnostics of a running journal.
    /// </summary>
    public int CountUnfinished()
    {
        var count = 0;
        Run(0, (connection, bot) =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT COUNT(*) FROM pending WHERE bot_id IN ($bot, $unknown);";
            select.Parameters.AddWithValue("$bot", bot);
            select.Parameters.AddWithValue("$unknown", UnknownBot);
            count = Convert.ToInt32(select.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });
        return count;
    }

    // One bad row must not abort the replay (and with it every later start): whatever the serializer rejects, the row is dropped.
    private static Update? Parse(string body, out string error)
    {
        error = string.Empty;
        try
        {
            return JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options) ?? throw new JsonException("the row holds null");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            error = exception.GetType().Name + ": " + exception.Message;
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

    private static bool IsFileError(Exception exception) =>
        exception is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or JsonException or NotSupportedException;

    private static bool IsLockedByOthers(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED };

    /// <summary>
    /// One statement at a time on one connection (the file is tiny, ours alone, and each statement takes
    /// microseconds); a failure drops the connection so the next call opens the file afresh (a disk with room again).
    /// Does nothing before <see cref="Start"/>.
    /// </summary>
    private bool Run(int updateId, Action<SqliteConnection, long> action)
    {
        if (!Enabled)
        {
            return false;
        }

        lock (_gate)
        {
            if (_disposed || _botId is not { } bot || _unavailable)
            {
                return false;
            }

            try
            {
                action(_connection ??= Open(), bot);
                return true;
            }
            catch (Exception exception) when (IsFileError(exception))
            {
                _connection?.Dispose();
                _connection = null;
                if (IsLockedByOthers(exception))
                {
                    // Someone else took the file while our connection was down: do not wait on it for every update.
                    Unavailable(exception);
                }
                else
                {
                    Log.JournalFailed(_logger, exception, updateId, Path!);
                }

                return false;
            }
        }
    }

    private void Unavailable(Exception exception)
    {
        _unavailable = true;
        _connection?.Dispose();
        _connection = null;
        Log.JournalUnavailable(_logger, Path!, exception.GetType().Name, exception.Message);
        Log.JournalUnavailableDetail(_logger, exception);
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

            // Exclusive locking first (before WAL is first used, so no shared-memory file is needed), and the lock taken
            // at once with BEGIN EXCLUSIVE: from here on no other process can read or write the file until this
            // connection closes, and none of our statements can ever wait on someone else's lock.
            // WAL with synchronous=NORMAL: a commit survives the process dying (the case this file is for) without an
            // fsync per update; a power loss may lose the last few, which Telegram-side redelivery cannot help either.
            setup.CommandText = """
                PRAGMA locking_mode = EXCLUSIVE;
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                BEGIN EXCLUSIVE;
                CREATE TABLE IF NOT EXISTS pending (
                    bot_id INTEGER NOT NULL,
                    update_id INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    PRIMARY KEY (bot_id, update_id));
                COMMIT;
                """;
            setup.ExecuteNonQuery();
            MigrateUnkeyedRows(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Rows of the first format (table <c>updates</c>, no bot id) move over as rows of an unknown bot.</summary>
    private static void MigrateUnkeyedRows(SqliteConnection connection)
    {
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'updates';";
        if (Convert.ToInt32(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        using var move = connection.CreateCommand();
        move.Transaction = transaction;
        move.CommandText = """
            INSERT OR IGNORE INTO pending (bot_id, update_id, body, attempts) SELECT 0, update_id, body, attempts FROM updates;
            DROP TABLE updates;
            """;
        move.ExecuteNonQuery();
        transaction.Commit();
    }
}
