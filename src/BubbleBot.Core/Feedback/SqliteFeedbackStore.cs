using Microsoft.Data.Sqlite;

namespace BubbleBot.Core.Feedback;

/// <summary>
/// The feedback store in one SQLite file. The schema version is SQLite's <c>user_version</c>; each step of
/// <see cref="Migrations"/> moves it up by one, so a newer bot migrates an older file at start. Connections are not
/// pooled: the file is opened per batch, so a file replaced or unlocked meanwhile is simply picked up.
/// </summary>
public sealed class SqliteFeedbackStore : IFeedbackStore
{
    /// <summary>Schema steps; index i takes user_version i to i + 1. Never edit a released step, add one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE questions (
            id TEXT PRIMARY KEY,
            at INTEGER NOT NULL,
            platform TEXT NOT NULL,
            chat TEXT,
            user_hash TEXT NOT NULL,
            language TEXT NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL);
        CREATE INDEX questions_at ON questions(at);
        CREATE TABLE citations (
            question_id TEXT NOT NULL,
            n INTEGER NOT NULL,
            doc_id TEXT NOT NULL,
            quote TEXT NOT NULL,
            PRIMARY KEY (question_id, n));
        CREATE TABLE votes (
            answer_id TEXT NOT NULL,
            user_hash TEXT NOT NULL,
            value INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (answer_id, user_hash));
        """,
    ];

    private readonly string _connectionString;

    /// <param name="busyTimeoutSeconds">How long a statement waits for a lock held by another process before failing.</param>
    public SqliteFeedbackStore(string path, int busyTimeoutSeconds = 5)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
    }

    public string Path { get; }

    public static int SchemaVersion => Migrations.Length;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException($"{Path} has schema version {version}, newer than this bot's {Migrations.Length}.");
        }

        for (; version < Migrations.Length; version++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, Migrations[version] + $"\nPRAGMA user_version = {version + 1};", cancellationToken, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task WriteAsync(IReadOnlyList<QuestionRecord> questions, IReadOnlyList<VoteRecord> votes, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var question in questions)
        {
            await using var insert = Command(connection, transaction,
                "INSERT OR REPLACE INTO questions (id, at, platform, chat, user_hash, language, text, kind) VALUES ($id, $at, $platform, $chat, $user, $language, $text, $kind);");
            insert.Parameters.AddWithValue("$id", question.Id);
            insert.Parameters.AddWithValue("$at", question.At.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$platform", question.Platform);
            insert.Parameters.AddWithValue("$chat", (object?)question.Chat ?? DBNull.Value);
            insert.Parameters.AddWithValue("$user", question.UserHash);
            insert.Parameters.AddWithValue("$language", question.Language);
            insert.Parameters.AddWithValue("$text", question.Text);
            insert.Parameters.AddWithValue("$kind", question.Kind.ToString());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var citation in question.Citations)
            {
                await using var cite = Command(connection, transaction,
                    "INSERT OR REPLACE INTO citations (question_id, n, doc_id, quote) VALUES ($id, $n, $doc, $quote);");
                cite.Parameters.AddWithValue("$id", question.Id);
                cite.Parameters.AddWithValue("$n", citation.N);
                cite.Parameters.AddWithValue("$doc", citation.DocId);
                cite.Parameters.AddWithValue("$quote", citation.Quote);
                await cite.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var vote in votes)
        {
            // One vote per user per answer: a second vote changes the first.
            await using var upsert = Command(connection, transaction,
                "INSERT INTO votes (answer_id, user_hash, value, at) VALUES ($answer, $user, $value, $at) ON CONFLICT (answer_id, user_hash) DO UPDATE SET value = excluded.value, at = excluded.at;");
            upsert.Parameters.AddWithValue("$answer", vote.AnswerId);
            upsert.Parameters.AddWithValue("$user", vote.UserHash);
            upsert.Parameters.AddWithValue("$value", vote.Value);
            upsert.Parameters.AddWithValue("$at", vote.At.ToUnixTimeMilliseconds());
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<FeedbackData> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var from = since.ToUnixTimeMilliseconds();
        var citations = new Dictionary<string, List<CitedPassage>>(StringComparer.Ordinal);
        await using (var command = Command(connection, null,
            "SELECT c.question_id, c.n, c.doc_id, c.quote FROM citations c JOIN questions q ON q.id = c.question_id WHERE q.at >= $from ORDER BY c.question_id, c.n;"))
        {
            command.Parameters.AddWithValue("$from", from);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (!citations.TryGetValue(id, out var list))
                {
                    citations[id] = list = [];
                }

                list.Add(new CitedPassage(reader.GetInt32(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        var questions = new List<QuestionRecord>();
        await using (var command = Command(connection, null,
            "SELECT id, at, platform, chat, user_hash, language, text, kind FROM questions WHERE at >= $from ORDER BY at;"))
        {
            command.Parameters.AddWithValue("$from", from);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                questions.Add(new QuestionRecord(
                    id,
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    Enum.TryParse<AnswerKind>(reader.GetString(7), out var kind) ? kind : AnswerKind.Answered,
                    citations.TryGetValue(id, out var cited) ? cited : []));
            }
        }

        var votes = new List<VoteRecord>();
        await using (var command = Command(connection, null,
            "SELECT v.answer_id, v.user_hash, v.value, v.at FROM votes v JOIN questions q ON q.id = v.answer_id WHERE q.at >= $from;"))
        {
            command.Parameters.AddWithValue("$from", from);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                votes.Add(new VoteRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
            }
        }

        return new FeedbackData(questions, votes);
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var cutoff = before.ToUnixTimeMilliseconds();
        await using var citations = Command(connection, transaction, "DELETE FROM citations WHERE question_id IN (SELECT id FROM questions WHERE at < $cutoff);");
        citations.Parameters.AddWithValue("$cutoff", cutoff);
        await citations.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var questions = Command(connection, transaction, "DELETE FROM questions WHERE at < $cutoff;");
        questions.Parameters.AddWithValue("$cutoff", cutoff);
        var deleted = await questions.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var votes = Command(connection, transaction, "DELETE FROM votes WHERE at < $cutoff;");
        votes.Parameters.AddWithValue("$cutoff", cutoff);
        await votes.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, sql);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
