using System.Net.WebSockets;
using BubbleBot.Core.Answering;
using BubbleBot.Discord.Handling;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Discord.Tests;

/// <summary>
/// Fault 3: admission (rate limit, a fair share of the shared answering stage) before any typing or answer work, and a
/// "busy" reply rather than silence. Fault 5: shutdown drains accepted answers, apologises for cancelled ones, and closes 1000.
/// </summary>
public sealed class FloodAndShutdownTests
{
    private const string Question = "Will OpenAI run out of money?";

    /// <summary>The English opening of the shared apology (the Chinese half is escaped in the JSON body).</summary>
    private const string Apology = "Sorry, something went wrong while answering";

    [Fact]
    public async Task One_user_flooding_cannot_crowd_out_another_users_question_and_typing_follows_admission()
    {
        var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["RateLimit:PerUserPerMinute"] = "6" });
        try
        {
            var connection = await bot.ReadyAsync();
            for (var i = 0; i < 400; i++)
            {
                await connection.SendDispatchAsync("MESSAGE_CREATE", 2 + i, Message((1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), "201"));
            }

            await connection.SendDispatchAsync("MESSAGE_CREATE", 500, Message("5000", "202"));
            await connection.SyncAsync();

            // The other user's question is answered.
            await bot.Discord.NextRequestAsync(r => r.Path.EndsWith("/messages", StringComparison.Ordinal)
                && r.Body?.GetProperty("message_reference").GetProperty("message_id").GetString() == "5000");
        }
        finally
        {
            // Stopping drains everything accepted, so the counts below are final.
            await bot.Host.StopAsync().WaitAsync(FakeDiscord.Timeout);
            await bot.DisposeAsync();
        }

        var requests = bot.Discord.Requests;
        var typing = requests.Count(r => r.Path.EndsWith("/typing", StringComparison.Ordinal));
        var replies = requests.Where(r => r.Path.EndsWith("/messages", StringComparison.Ordinal)).ToList();

        // 6 questions from the flooder pass the rate limit (answered, or told "busy"), one rate-limit notice, then
        // silence; typing only for questions that were actually answered.
        Assert.InRange(typing, 2, 7);
        Assert.InRange(replies.Count, 3, 8);
        Assert.Single(replies, r => r.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString() == "5000");
    }

    [Fact]
    public async Task A_full_stage_answers_busy_instead_of_silence()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bot = await BotHarness.StartAsync(
            new Dictionary<string, string?> { ["AnsweringStage:Capacity"] = "1", ["AnsweringStage:MaxConcurrent"] = "1" },
            services: s => s.AddSingleton<IAnswerService>(new HeldAnswers(release.Task)));
        var connection = await bot.ReadyAsync();

        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("601", "201"));
        await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/typing");
        await connection.SendDispatchAsync("MESSAGE_CREATE", 3, Message("602", "202"));

        var busy = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        Assert.Equal("602", busy.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString());
        Assert.Contains("busy", busy.Body!.Value.ToString(), StringComparison.OrdinalIgnoreCase);

        release.SetResult();
        var answer = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        Assert.Equal("601", answer.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task Shutdown_closes_1000_drains_within_the_deadline_and_apologises_for_a_deferred_ask()
    {
        var bot = await BotHarness.StartAsync(services: s => s.AddSingleton<IAnswerService>(new HeldAnswers(new TaskCompletionSource().Task)));
        try
        {
            var connection = await bot.ReadyAsync();
            await connection.SendDispatchAsync("INTERACTION_CREATE", 2, Interaction(Question));
            await bot.Discord.NextRequestAsync("POST", "/interactions/600/interaction-token/callback");
            await connection.SendDispatchAsync("MESSAGE_CREATE", 3, Message("701", "202"));
            await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/typing");

            var stopping = bot.Host.StopAsync();
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(FakeDiscord.Timeout));

            // Both answers are stuck: after the drain deadline they are cancelled and apologised for.
            await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(15));
            var edit = await bot.Discord.NextRequestAsync("PATCH", $"/webhooks/{FakeIds.Application}/interaction-token/messages/@original");
            Assert.Contains(Apology, edit.Body!.Value.ToString(), StringComparison.Ordinal);
            await stopping.WaitAsync(FakeDiscord.Timeout);

            // Stopping waited for the apologies, so the recorded calls are complete.
            var apology = Assert.Single(bot.Discord.Requests, r => r.Path == $"/channels/{FakeIds.Channel}/messages");
            Assert.Equal("701", apology.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString());
            Assert.Contains(Apology, apology.Body!.Value.ToString(), StringComparison.Ordinal);
            Assert.Contains(bot.Logs.GetSnapshot(), r => r.Id.Id == 3027);
        }
        finally
        {
            await bot.DisposeAsync();
        }
    }

    /// <summary>
    /// Shutdown waits for the gateway to answer its close frame instead of dropping the connection at once: a dropped
    /// connection can reach the gateway before the close frame does, and Discord then sees a lost connection, not a
    /// 1000 (the bot would show online until the session times out). A gateway that never answers is dropped after
    /// <see cref="Gateway.DiscordGatewayService.CloseAnswerTimeout"/>.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Shutdown_waits_a_bounded_time_for_the_gateway_to_answer_the_close_frame(bool gatewayAnswers)
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bot = await BotHarness.StartAsync();
        try
        {
            var connection = await bot.ReadyAsync();
            connection.HoldCloseAnswer = answer.Task;

            var stopping = bot.Host.StopAsync();
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(FakeDiscord.Timeout));
            if (gatewayAnswers)
            {
                await bot.Time.WaitForTimerAsync(Gateway.DiscordGatewayService.CloseAnswerTimeout);
                answer.SetResult();
            }
            else
            {
                await bot.Time.AdvanceWhenWaitingAsync(Gateway.DiscordGatewayService.CloseAnswerTimeout);
            }

            await stopping.WaitAsync(FakeDiscord.Timeout);
            Assert.Equal(gatewayAnswers, connection.CloseAnswered);
        }
        finally
        {
            await bot.DisposeAsync();
        }
    }

    /// <summary>
    /// The race behind a flaky shutdown: the deferral of an /ask is on the wire when shutdown begins. Discord has shown
    /// "thinking…" (its 204 merely arrives late), so the answer must still be resolved, here by the apology edit.
    /// </summary>
    [Fact]
    public async Task A_deferral_answered_while_shutting_down_still_gets_the_apology_edit()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bot = await BotHarness.StartAsync(services: s => s.AddSingleton<IAnswerService>(new HeldAnswers(new TaskCompletionSource().Task)));
        try
        {
            bot.Discord.Hold = r => r.Path.EndsWith("/callback", StringComparison.Ordinal) ? release.Task : Task.CompletedTask;
            var connection = await bot.ReadyAsync();
            await connection.SendDispatchAsync("INTERACTION_CREATE", 2, Interaction(Question));
            var deferral = await bot.Discord.NextRequestAsync("POST", "/interactions/600/interaction-token/callback");
            Assert.Equal(5, deferral.Body!.Value.GetProperty("type").GetInt32());

            // Shutdown starts while the 204 is held; it is released only once the gateway has closed with 1000.
            var stopping = bot.Host.StopAsync();
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(FakeDiscord.Timeout));
            release.SetResult();

            await bot.Time.AdvanceWhenWaitingAsync(TimeSpan.FromSeconds(15));
            var edit = await bot.Discord.NextRequestAsync("PATCH", $"/webhooks/{FakeIds.Application}/interaction-token/messages/@original");
            Assert.Contains(Apology, edit.Body!.Value.ToString(), StringComparison.Ordinal);
            await stopping.WaitAsync(FakeDiscord.Timeout);
        }
        finally
        {
            release.TrySetResult();
            await bot.DisposeAsync();
        }
    }

    [Fact]
    public async Task Shutdown_lets_accepted_answers_finish_within_the_deadline()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bot = await BotHarness.StartAsync(services: s => s.AddSingleton<IAnswerService>(new HeldAnswers(release.Task)));
        try
        {
            var connection = await bot.ReadyAsync();
            await connection.SendDispatchAsync("MESSAGE_CREATE", 2, Message("801", "202"));
            await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/typing");

            var stopping = bot.Host.StopAsync();
            await bot.Time.WaitForTimerAsync(TimeSpan.FromSeconds(15));
            release.SetResult();

            var answer = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
            Assert.DoesNotContain(Apology, answer.Body!.Value.ToString(), StringComparison.Ordinal);
            await stopping.WaitAsync(FakeDiscord.Timeout);
            Assert.DoesNotContain(bot.Logs.GetSnapshot(), r => r.Id.Id == 3027);
        }
        finally
        {
            await bot.DisposeAsync();
        }
    }

    private static object Message(string id, string author) => new
    {
        id,
        channel_id = FakeIds.Channel,
        guild_id = FakeIds.Guild,
        type = 0,
        content = $"<@100> {Question}",
        author = new { id = author, username = "someone", bot = false },
        mentions = new object[] { new { id = FakeIds.Bot, username = "BubbleBot" } },
        mention_everyone = false,
    };

    private static object Interaction(string question) => new
    {
        id = "600",
        application_id = FakeIds.Application,
        type = 2,
        token = "interaction-token",
        channel_id = FakeIds.Channel,
        guild_id = FakeIds.Guild,
        locale = "en-US",
        member = new { user = new { id = FakeIds.User, username = "someone" } },
        data = new { id = "800", name = "ask", type = 1, options = new[] { new { name = "question", type = 3, value = question } } },
    };

    /// <summary>An answer layer whose answers wait for <paramref name="release"/> (or cancellation), like a slow model.</summary>
    private sealed class HeldAnswers(Task release) : IAnswerService
    {
        public async Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
        {
            await release.WaitAsync(cancellationToken);
            return new Answer(request.Question, "held answer", false, [], BubbleBot.Core.Text.AnswerLanguage.English);
        }
    }
}
