using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Feedback;
using BubbleBot.Core.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BubbleBot.Core.Tests.Feedback;

/// <summary>The SQLite store on real files, and the recorder that keeps the store off the answer path.</summary>
public sealed class FeedbackStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-30T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly string _folder = Directory.CreateTempSubdirectory("bubblebot-feedback-").FullName;

    private string DbPath => Path.Combine(_folder, FeedbackOptions.FileName);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Schema_is_created_at_version_1_and_reopening_keeps_the_data()
    {
        var store = new SqliteFeedbackStore(DbPath);
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteAsync([Question("a1", "Who is Burry?", AnswerKind.Answered, new CitedPassage(1, "nyt-essay", "Burry said…"))], [], CancellationToken.None);

        var reopened = new SqliteFeedbackStore(DbPath);
        await reopened.InitializeAsync(CancellationToken.None);
        var data = await reopened.ReadAsync(Now.AddDays(-1), CancellationToken.None);

        Assert.Equal(1L, await UserVersionAsync());
        var question = Assert.Single(data.Questions);
        Assert.Equal(("Who is Burry?", AnswerKind.Answered, "telegram"), (question.Text, question.Kind, question.Platform));
        Assert.Equal(new CitedPassage(1, "nyt-essay", "Burry said…"), Assert.Single(question.Citations));
    }

    [Fact]
    public async Task One_vote_per_user_per_answer_and_a_second_vote_changes_it()
    {
        var store = new SqliteFeedbackStore(DbPath);
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteAsync([Question("a1", "q", AnswerKind.Answered)], [new VoteRecord("a1", "u1", 1, Now), new VoteRecord("a1", "u2", 1, Now)], CancellationToken.None);
        await store.WriteAsync([], [new VoteRecord("a1", "u1", -1, Now.AddMinutes(1))], CancellationToken.None);

        var votes = (await store.ReadAsync(Now.AddDays(-1), CancellationToken.None)).Votes;

        Assert.Equal(2, votes.Count);
        Assert.Equal(-1, votes.Single(v => v.UserHash == "u1").Value);
        Assert.Equal(1, votes.Single(v => v.UserHash == "u2").Value);
    }

    [Fact]
    public async Task Purge_deletes_questions_votes_and_quotes_older_than_the_cutoff()
    {
        var store = new SqliteFeedbackStore(DbPath);
        await store.InitializeAsync(CancellationToken.None);
        var old = Question("old", "old question", AnswerKind.Answered, new CitedPassage(1, "doc", "quote")) with { At = Now.AddDays(-100) };
        await store.WriteAsync([old, Question("new", "new question", AnswerKind.Refused)], [new VoteRecord("old", "u", -1, Now.AddDays(-100))], CancellationToken.None);

        var deleted = await store.PurgeAsync(Now.AddDays(-90), CancellationToken.None);

        Assert.Equal(1, deleted);
        var left = await store.ReadAsync(DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.Equal("new", Assert.Single(left.Questions).Id);
        Assert.Empty(left.Votes);
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM citations;"));
    }

    [Fact]
    public async Task Recorder_writes_only_hashed_user_ids()
    {
        var (pipeline, recorder, _) = await StartAsync(new SqliteFeedbackStore(DbPath));
        try
        {
            var reply = await pipeline.HandleAsync(new IncomingQuestion("telegram:31337", "c", "Who is Burry?", Platform: "telegram", Chat: "4242"), CancellationToken.None);
            var answered = Assert.IsType<ChatReply.Answered>(reply);
            Assert.NotNull(answered.AnswerId);
            recorder.RecordVote(answered.AnswerId!, "telegram:31337", -1);
            await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

            var bytes = await File.ReadAllBytesAsync(DbPath);
            var content = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain("31337", content, StringComparison.Ordinal);
            Assert.Contains(FeedbackUser.Hash("telegram:31337"), content, StringComparison.Ordinal);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_locked_database_never_stops_answers_and_writing_resumes_once_it_is_free()
    {
        var store = new SqliteFeedbackStore(DbPath, busyTimeoutSeconds: 1);
        await store.InitializeAsync(CancellationToken.None);
        var (pipeline, recorder, logs) = await StartAsync(store);
        try
        {
            await using (var holder = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
            {
                await holder.OpenAsync();
                await using (var exclusive = holder.CreateCommand())
                {
                    // Another process holding the write lock: every write of the bot's store times out.
                    exclusive.CommandText = "BEGIN EXCLUSIVE;";
                    await exclusive.ExecuteNonQueryAsync();
                }

                for (var i = 0; i < 3; i++)
                {
                    var reply = await pipeline.HandleAsync(new IncomingQuestion("discord:1", "c", $"question {i}", Platform: "discord"), CancellationToken.None)
                        .WaitAsync(TimeSpan.FromSeconds(5));
                    Assert.IsType<ChatReply.Answered>(reply);
                }

                await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 1101 && r.Level == LogLevel.Warning);
            }

            var after = await pipeline.HandleAsync(new IncomingQuestion("discord:1", "c", "question after", Platform: "discord"), CancellationToken.None);
            Assert.IsType<ChatReply.Answered>(after);
            await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            var data = await store.ReadAsync(DateTimeOffset.UnixEpoch, CancellationToken.None);
            Assert.Equal("question after", Assert.Single(data.Questions).Text);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_unwritable_data_path_never_stops_answers()
    {
        // The data path's parent is a file: the folder can never be created.
        var blocker = Path.Combine(_folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var (pipeline, recorder, logs) = await StartAsync(new SqliteFeedbackStore(Path.Combine(blocker, "data", FeedbackOptions.FileName)));
        try
        {
            var reply = await pipeline.HandleAsync(new IncomingQuestion("telegram:1", "c", "Who is Burry?", Platform: "telegram"), CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(5));
            Assert.IsType<ChatReply.Answered>(reply);
            await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 1101);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Questions_from_the_command_line_are_not_recorded()
    {
        var store = new InMemoryFeedbackStore();
        var (pipeline, recorder, _) = await StartAsync(store);
        try
        {
            var reply = await pipeline.HandleAsync(new IncomingQuestion("cli", "cli:1", "Who is Burry?", RateLimited: false), CancellationToken.None);
            Assert.Null(Assert.IsType<ChatReply.Answered>(reply).AnswerId);
            await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Empty((await store.ReadAsync(DateTimeOffset.UnixEpoch, CancellationToken.None)).Questions);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task With_a_chat_platform_the_schema_is_made_and_retention_applied_at_start()
    {
        var seeded = new SqliteFeedbackStore(DbPath);
        await seeded.InitializeAsync(CancellationToken.None);
        await seeded.WriteAsync([Question("old", "old", AnswerKind.Refused) with { At = Now.AddDays(-91) }, Question("new", "new", AnswerKind.Refused)], [], CancellationToken.None);
        var recorder = new FeedbackRecorder(seeded, Options.Create(new FeedbackOptions { RetentionDays = 90 }), new FakeTimeProvider(Now),
            NullLogger<FeedbackRecorder>.Instance, [new BubbleBot.Core.Health.ChatPlatform("Telegram")]);

        await recorder.StartAsync(CancellationToken.None);
        try
        {
            // The flush marker is read only once the start-up work is done.
            await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("new", Assert.Single((await seeded.ReadAsync(DateTimeOffset.UnixEpoch, CancellationToken.None)).Questions).Id);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Without_a_chat_platform_the_store_is_left_alone_at_start()
    {
        var recorder = new FeedbackRecorder(new SqliteFeedbackStore(DbPath), Options.Create(new FeedbackOptions()), TimeProvider.System, NullLogger<FeedbackRecorder>.Instance, []);

        await recorder.StartAsync(CancellationToken.None);
        try
        {
            await recorder.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(File.Exists(DbPath));
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
        }
    }

    private static QuestionRecord Question(string id, string text, AnswerKind kind, params CitedPassage[] citations) =>
        new(id, Now, "telegram", "4242", "hash-" + id, "English", text, kind, citations);

    private static async Task<(ChatPipeline Pipeline, FeedbackRecorder Recorder, FakeLogCollector Logs)> StartAsync(IFeedbackStore store)
    {
        var logs = new FakeLogCollector();
        var recorder = new FeedbackRecorder(store, Options.Create(new FeedbackOptions()), TimeProvider.System, new FakeLogger<FeedbackRecorder>(logs));
        await recorder.StartAsync(CancellationToken.None);
        var time = new FakeTimeProvider(Now);
        var pipeline = new ChatPipeline(
            new EchoAnswers(),
            new UserRateLimiter(Options.Create(new RateLimitOptions { PerUserPerMinute = 100 }), time),
            new ConversationMemory(time),
            NullLogger<ChatPipeline>.Instance,
            recorder);
        return (pipeline, recorder, logs);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private async Task<long> UserVersionAsync() => (long)(await ScalarAsync("PRAGMA user_version;"))!;

    private sealed class EchoAnswers : IAnswerService
    {
        public Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new Answer(request.Question, "Answer [1]", false,
                [new Citation(1, "doc-1", "Title", null, "a quote", "Author", null, null)], AnswerLanguage.English));
    }
}
