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
        await restarted.DisposeAsync();
        Assert.Empty(Unfinished());
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
        Assert.Empty(Unfinished());
    }

    [Fact]
    public async Task A_graceful_stop_apologises_for_what_is_still_running_and_leaves_nothing_to_replay()
    {
        var clock = new SignalingTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, http) = await StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                TestHosts.Answers(async (request, ct) =>
                {
                    started.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                    return new Answer(request.Question, "never", false, [], AnswerLanguage.English);
                })(services);
            },
            WithJournal);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, Updates.Private(700, 10, "Is AI a bubble?")).WaitAsync(Bound)).Status);
        await started.Task.WaitAsync(Bound);
        Assert.Single(Unfinished());

        _apps.Remove(app);
        var stopping = app.StopAsync();
        await clock.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(new AnsweringStageOptions().DrainSeconds));
        await stopping.WaitAsync(Bound);
        await app.DisposeAsync();

        var reply = Assert.Single(Api.CallsOf("sendMessage"));
        Assert.StartsWith("Sorry, something went wrong while answering", TelegramHtml.AssertValid(reply.Text));
        Assert.Empty(Unfinished());
    }

    private void WithJournal(Dictionary<string, string?> settings) => settings["Storage:DataPath"] = _dataPath;

    /// <summary>The journal file as the next start would read it (each read counts as one start's attempt).</summary>
    private IReadOnlyList<global::Telegram.Bot.Types.Update> Unfinished()
    {
        using var journal = new UpdateJournal(
            Options.Create(new StorageOptions { DataPath = _dataPath }),
            new DataPaths(_dataPath, _dataPath),
            NullLogger<UpdateJournal>.Instance);
        return journal.TakeUnfinished();
    }

    private async Task<(WebApplication App, HttpClient Http)> StartAsync(Action<IServiceCollection>? services, Action<Dictionary<string, string?>>? configure)
    {
        var (app, address) = await TestHosts.StartWebhookAsync(Api, services, configure);
        _apps.Add(app);

        // Until getMe has answered, updates are refused with 503.
        await app.Services.GetRequiredService<BotIdentityProvider>().GetAsync(CancellationToken.None).WaitAsync(Bound);
        return (app, new HttpClient { BaseAddress = address });
    }

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
