using BubbleBot.Core.Answering;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Telegram.Tests;

/// <summary>Telegram:UpdateTimeoutSeconds (default 120) on the injected clock: a stuck answer is given up and its chat goes on.</summary>
public sealed class UpdateTimeoutTests : BotApiTest
{
    private readonly SignalingTimeProvider _clock = new();
    [Fact]
    public async Task An_update_not_handled_within_the_limit_is_given_up_without_a_reply_and_the_chat_goes_on()
    {
        var answers = new StuckAnswers();
        BotHost = await TestHosts.StartPollingAsync(Api, services: services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
            services.AddFakeLogging();
            answers.Register(services);
        });

        Api.Deliver(Updates.Private(1, 10, "a stuck question"), Updates.Private(2, 11, "the next question"));
        var token = await answers.Stuck.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(120));
        Assert.False(token.IsCancellationRequested);

        _clock.Advance(TimeSpan.FromSeconds(120));

        // The same chat's next update is answered: the stuck one counts as handled.
        var next = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));
        Assert.Equal(11, next.ReplyTo);
        Assert.True(token.IsCancellationRequested);
        var timedOut = Assert.Single(BotHost.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 2020);
        Assert.Equal(LogLevel.Warning, timedOut.Level);
        Assert.Contains("update 1 ", timedOut.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BotHost.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id is 2003 or 2018);

        // When the abandoned answer finally comes back it is not sent (nor is an apology).
        answers.Release();
        Api.Deliver(Updates.Private(3, 12, "a third question"));
        var replies = await Api.WaitForMessagesAsync(Updates.PrivateChat, 2);
        Assert.Equal(12, replies[^1].ReplyTo);
        Assert.DoesNotContain(Api.CallsOf("sendMessage"), c => c.ReplyTo == 10);
    }
}
