using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Configuration;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;
using BubbleBot.Telegram.Handling;
using BubbleBot.Telegram.Receiving;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BubbleBot.Telegram.Tests;

/// <summary>
/// Delivery, mostly through the webhook: an update is acknowledged (200) only when it was taken and journaled; what cannot be taken gets a
/// non-2xx so Telegram delivers it again; what was acknowledged survives a crash and is answered after the restart.
/// The test plays Telegram's part: it posts to the real endpoint on 127.0.0.1 and re-sends whatever was not acknowledged.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly string _dataPath = Directory.CreateTempSubdirectory("bubblebot-journal-").FullName;
    private readonly List<WebApplication> _apps = [];

    private FakeBotApi Api { get; set; } = null!;

    public async Task InitializeAsync() => Api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await Api.DisposeAsync();
        Directory.Delete(_dataPath, recursive: true);
    }

    [Fact]
    public async Task A_burst_larger_than_the_queue_gets_503_for_the_overflow_and_every_update_is_answered_once_after_redelivery()
    {
        const int capacity = 8;
        const int burst = 20;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, http) = await StartAsync(
            TestHosts.Answers(async (request, ct) =>
            {
                await release.Task.WaitAsync(ct);
                return new Answer(request.Question, "Answer to " + request.Question, false, [], AnswerLanguage.English);
            }),
            settings => settings["Telegram:MaxPendingUpdates"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var dispatcher = app.Services.GetRequiredService<UpdateDispatcher>();
        var updates = Enumerable.Range(0, burst)
            .Select(i => Updates.Private(100 + i, 10, $"Is AI a bubble? ({i})", chatId: 10_000 + i, userId: 20_000 + i))
            .ToList();

        var first = await Task.WhenAll(updates.Select(u => PostAsync(http, u))).WaitAsync(Bound);

        Assert.Equal(capacity, first.Count(r => r.Status == HttpStatusCode.OK));
        var refused = first.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.All(refused, r =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
            Assert.Equal(TimeSpan.FromSeconds(WebhookEndpoint.RetryAfterSeconds), r.RetryAfter);
        });

        // /healthz shows the full queue beside the adapter's state.
        var figures = app.Services.GetServices<BubbleBot.Core.Health.IHealthContributor>().Single(c => c.Adapter == "Telegram").Figures();
        Assert.Equal(capacity, figures["pending_updates"]);
        Assert.Equal(capacity, figures["max_pending_updates"]);

        // Telegram re-sends what was not acknowledged; here each round waits for an answer to finish (room), not a timer.
        release.SetResult();
        var waiting = updates.Where(u => refused.Any(r => r.UpdateId == u["update_id"]!.GetValue<int>())).ToList();
        using var deadline = new CancellationTokenSource(Bound);
        while (waiting.Count > 0)
        {
            var progress = dispatcher.NextProgress();
            var again = await Task.WhenAll(waiting.Select(u => PostAsync(http, u))).WaitAsync(deadline.Token);
            waiting = [.. waiting.Where(u => again.Any(r => r.UpdateId == u["update_id"]!.GetValue<int>() && r.Status != HttpStatusCode.OK))];
            if (waiting.Count > 0)
            {
                await progress.WaitAsync(deadline.Token);
            }
        }

        var sends = (await Api.WaitUntilAsync(c => c.Count(x => x.Method == "sendMessage") >= burst, $"{burst} answers"))
            .Where(c => c.Method == "sendMessage")
            .ToList();
        Assert.Equal(burst, sends.Count);
        Assert.Equal(updates.Select(u => u["message"]!["chat"]!["id"]!.GetValue<long>()).Order(), sends.Select(s => s.ChatId).Order());
        Assert.All(sends, s => Assert.StartsWith("Answer to Is AI a bubble?", s.Text));
    }

    [Fact]
    public async Task An_acknowledged_update_survives_a_crash_and_is_answered_once_after_the_restart()
    {
        // The first run's answer never ends and ignores cancellation: nothing but the crash ends this process.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (crashing, crashingHttp) = await StartAsync(
            TestHosts.Answers((_, _) =>
            {
                started.TrySetResult();
                return never.Task;
            }),
            WithJournal);
        var update = Updates.Private(500, 10, "Why do some people say AI is a bubble?");

        var acknowledged = await PostAsync(crashingHttp, update).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, acknowledged.Status);
        await started.Task.WaitAsync(Bound);

        // The crash: the host is torn down without StopAsync, so no drain, no apology, and the handler's own cleanup
        // never runs; as after a kill, only what is in the journal file is left.
        _apps.Remove(crashing);
        await crashing.DisposeAsync().AsTask().WaitAsync(Bound);
        Assert.Empty(Api.CallsOf("sendMessage"));

        var (restarted, http) = await StartAsync(services: null, WithJournal);
        var answer = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        Assert.Equal(10, answer.ReplyTo);
        Assert.Contains("[1]", answer.Text);

        // Telegram may re-send it too (its 200 could have been lost in the crash): a repeat, not a second answer. The
        // chat's next update is handled after it, so its reply shows the repeat was dropped.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, update).WaitAsync(Bound)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, Updates.Private(501, 11, "/sources")).WaitAsync(Bound)).Status);
        var replies = await Api.WaitForMessagesAsync(Updates.PrivateChat, 2);
        Assert.Equal([10, 11], replies.Select(r => r.ReplyTo!.Value));
        _apps.Remove(restarted);
        await restarted.StopAsync().WaitAsync(Bound);
        Assert.Equal(0, Unfinished(restarted.Services));
        await restarted.DisposeAsync();
    }

    /// <summary>Polling confirms an update (the offset) once accepted, so the journal covers it the same way.</summary>
    [Fact]
    public async Task Polling_an_update_confirmed_by_the_offset_survives_a_crash_and_is_answered_after_the_restart()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var crashing = await TestHosts.StartPollingAsync(
            Api,
            WithJournal,
            TestHosts.Answers((_, _) =>
            {
                started.TrySetResult();
                return never.Task;
            }));
        Api.Deliver(Updates.Private(900, 10, "Why do some people say AI is a bubble?"));
        await started.Task.WaitAsync(Bound);

        // Telegram has forgotten it: a later getUpdates carried the offset past it.
        await Api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates" && c.Offset == 901), "offset past the update");
        crashing.Dispose();
        Assert.Empty(Api.CallsOf("sendMessage"));

        using var restarted = await TestHosts.StartPollingAsync(Api, WithJournal);
        var answer = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        Assert.Equal(10, answer.ReplyTo);
        await restarted.StopAsync().WaitAsync(Bound);
        Assert.Equal(0, Unfinished(restarted.Services));
    }

    [Fact]
    public async Task A_graceful_stop_apologises_for_what_is_still_running_and_leaves_nothing_to_replay()
    {
        var clock = new SignalingTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, http) = await StartWithAnswerThatNeverEndsAsync(clock, started);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, Updates.Private(700, 10, "Is AI a bubble?")).WaitAsync(Bound)).Status);
        await started.Task.WaitAsync(Bound);
        Assert.Equal(1, Unfinished(app.Services));

        _apps.Remove(app);
        var stopping = app.StopAsync();
        await clock.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(new AnsweringStageOptions().DrainSeconds));
        await stopping.WaitAsync(Bound);
        Assert.Equal(0, Unfinished(app.Services));
        await app.DisposeAsync();

        var reply = Assert.Single(Api.CallsOf("sendMessage"));
        Assert.StartsWith("Sorry, something went wrong while answering", TelegramHtml.AssertValid(reply.Text));
    }

    /// <summary>
    /// The journal comes first: between getMe and the replay a live update is refused (503), so a chat's new question is
    /// never answered before its older one the last run acknowledged.
    /// </summary>
    [Fact]
    public async Task A_live_update_is_refused_until_the_journal_is_replayed_so_a_chat_keeps_its_order()
    {
        using (var journal = new UpdateJournal(Options.Create(new StorageOptions { DataPath = _dataPath }), new DataPaths(_dataPath, _dataPath), NullLogger<UpdateJournal>.Instance))
        {
            Assert.True(journal.Start(FakeBotApi.BotId));
            Assert.True(journal.Add(Parse(Updates.Private(600, 10, "Why do some people say AI is a bubble?"))));
        }

        // setWebhook fails once, so the start waits 1 s (on the test's clock) before it replays; meanwhile the bot
        // already knows who it is (getMe answered).
        var clock = new SignalingTimeProvider();
        Api.FailNext("setWebhook", 502, """{"ok":false,"error_code":502,"description":"Bad Gateway"}""");
        var (app, address) = await TestHosts.StartWebhookAsync(Api, services => services.AddSingleton<TimeProvider>(clock), WithJournal);
        _apps.Add(app);
        using var http = new HttpClient { BaseAddress = address };
        await app.Services.GetRequiredService<BotIdentityProvider>().GetAsync(CancellationToken.None).WaitAsync(Bound);
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(1));

        var live = Updates.Private(601, 11, "/sources");
        var early = await PostAsync(http, live).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.Status);
        Assert.Equal(TimeSpan.FromSeconds(WebhookEndpoint.RetryAfterSeconds), early.RetryAfter);

        clock.Advance(TimeSpan.FromSeconds(1));
        await TestHosts.ReceivingAsync(app.Services);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, live).WaitAsync(Bound)).Status);
        var replies = await Api.WaitForMessagesAsync(Updates.PrivateChat, 2);
        Assert.Equal([10, 11], replies.Select(r => r.ReplyTo!.Value));
    }

    /// <summary>
    /// One chat flooding the webhook past its 32 queued updates: the excess gets 429 with Retry-After (so Telegram
    /// delivers it later, and nothing is lost), logged as 2033; once the chat's queue moves, the redelivery is taken.
    /// </summary>
    [Fact]
    public async Task A_chat_past_its_queue_limit_gets_429_with_retry_after_and_its_redelivery_is_answered()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, http) = await StartAsync(
            services =>
            {
                services.AddFakeLogging();
                TestHosts.Answers(async (request, ct) =>
                {
                    await release.Task.WaitAsync(ct);
                    return new Answer(request.Question, "Answer to " + request.Question, false, [], AnswerLanguage.English);
                })(services);
            },
            configure: null);

        // The chat's first answer is held, so its queue fills: 32 taken, the 33rd refused.
        var updates = Enumerable.Range(0, UpdateDispatcher.MaxPerChat + 1).Select(i => Updates.Private(300 + i, 10 + i, $"Is AI a bubble? ({i})")).ToList();
        foreach (var update in updates.SkipLast(1))
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, update).WaitAsync(Bound)).Status);
        }

        var refused = await PostAsync(http, updates[^1]).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal(TimeSpan.FromSeconds(WebhookEndpoint.RetryAfterSeconds), refused.RetryAfter);
        var logged = Assert.Single(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 2033);
        Assert.Contains(Updates.PrivateChat.ToString(System.Globalization.CultureInfo.InvariantCulture), logged.Message, StringComparison.Ordinal);

        // Telegram re-sends it; once the chat's queue has moved it is taken, and every update gets its one reply.
        var dispatcher = app.Services.GetRequiredService<UpdateDispatcher>();
        var progress = dispatcher.NextProgress();
        release.SetResult();
        await progress.WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, updates[^1]).WaitAsync(Bound)).Status);
        var replies = await Api.WaitForMessagesAsync(Updates.PrivateChat, updates.Count);
        Assert.Equal(updates.Select(u => u["message"]!["message_id"]!.GetValue<int>()).Order(), replies.Select(r => r.ReplyTo!.Value).Order());
    }

    /// <summary>
    /// An update posted while the Telegram adapter drains is not taken into a stage that admits nothing: 503, for the
    /// next run. (In the composed host Kestrel stops before the adapter, so a post during the drain is refused at the
    /// connection, which Telegram treats the same way; here the adapter is stopped on its own, so the request reaches
    /// the endpoint mid-drain, as one racing the server's stop does.)
    /// </summary>
    [Fact]
    public async Task An_update_posted_while_the_adapter_drains_gets_503()
    {
        var clock = new SignalingTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, http) = await StartWithAnswerThatNeverEndsAsync(clock, started);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, Updates.Private(800, 10, "Is AI a bubble?")).WaitAsync(Bound)).Status);
        await started.Task.WaitAsync(Bound);

        // The stage's drain deadline is running: the adapter is stopping, with an answer still in flight.
        var adapter = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<WebhookService>().Single();
        var stopping = adapter.StopAsync(CancellationToken.None);
        var drain = TimeSpan.FromSeconds(new AnsweringStageOptions().DrainSeconds);
        await clock.WaitForTimerAsync(drain);
        var during = await PostAsync(http, Updates.Private(801, 11, "Is AI a bubble?", chatId: 5151, userId: 777)).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
        Assert.Equal(TimeSpan.FromSeconds(WebhookEndpoint.RetryAfterSeconds), during.RetryAfter);

        clock.Advance(drain);
        await stopping.WaitAsync(Bound);
        Assert.Equal(0, Unfinished(app.Services));
        Assert.DoesNotContain(Api.CallsOf("sendMessage"), c => c.ChatId == 5151);
    }

    private void WithJournal(Dictionary<string, string?> settings) => settings["Storage:DataPath"] = _dataPath;

    /// <summary>
    /// The updates the running bot's journal holds unfinished, read without counting as a start's attempt (the file is
    /// the running bot's alone: it holds its exclusive lock).
    /// </summary>
    private static int Unfinished(IServiceProvider services) => services.GetRequiredService<UpdateJournal>().CountUnfinished();

    private async Task<(WebApplication App, HttpClient Http)> StartAsync(Action<IServiceCollection>? services, Action<Dictionary<string, string?>>? configure)
    {
        var (app, address) = await TestHosts.StartWebhookAsync(Api, services, configure);
        _apps.Add(app);

        // Until getMe has answered and the journal is replayed, updates are refused with 503.
        await TestHosts.ReceivingAsync(app.Services);
        return (app, new HttpClient { BaseAddress = address });
    }

    /// <summary>Starts the webhook app with the journal and an answer that signals <paramref name="started"/> and then runs until cancelled.</summary>
    private Task<(WebApplication App, HttpClient Http)> StartWithAnswerThatNeverEndsAsync(SignalingTimeProvider clock, TaskCompletionSource started) =>
        StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                TestHosts.AnswersThatNeverEnd(started)(services);
            },
            WithJournal);

    private static global::Telegram.Bot.Types.Update Parse(JsonObject update) =>
        System.Text.Json.JsonSerializer.Deserialize<global::Telegram.Bot.Types.Update>(update.ToJsonString(), global::Telegram.Bot.JsonBotAPI.Options)!;

    private static async Task<Posted> PostAsync(HttpClient http, JsonObject update)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telegram/webhook")
        {
            Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookEndpoint.SecretHeader, TestHosts.WebhookSecret);
        using var response = await http.SendAsync(request);
        return new Posted(update["update_id"]!.GetValue<int>(), response.StatusCode, response.Headers.RetryAfter?.Delta);
    }

    private sealed record Posted(int UpdateId, HttpStatusCode Status, TimeSpan? RetryAfter);
}
