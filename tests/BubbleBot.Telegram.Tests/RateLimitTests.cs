using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BubbleBot.Telegram.Tests;

/// <summary>A 429 waits exactly its retry_after (on the injected clock) and then the same call is made again.</summary>
public sealed class RateLimitTests : BotApiTest
{
    private readonly SignalingTimeProvider _clock = new();
    [Fact]
    public async Task SendMessage_429_is_retried_after_its_retry_after()
    {
        Api.FailNextWithRetryAfter("sendMessage", 7);
        BotHost = await StartAsync();
        Api.Deliver(Updates.Private(1, 10, "Why do some people say AI is a bubble?"));

        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        Assert.Single(Api.CallsOf("sendMessage"));

        _clock.Advance(TimeSpan.FromSeconds(7));
        var attempts = await Api.WaitForMessagesAsync(Updates.PrivateChat, 2);

        Assert.Equal(attempts[0].Text, attempts[1].Text);
        Assert.Equal(10, attempts[1].ReplyTo);
    }

    [Fact]
    public async Task GetUpdates_429_is_retried_after_its_retry_after()
    {
        Api.FailNextWithRetryAfter("getUpdates", 3);
        BotHost = await StartAsync();

        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        Assert.Single(Api.CallsOf("getUpdates"));

        _clock.Advance(TimeSpan.FromSeconds(3));
        Api.Deliver(Updates.Private(1, 10, "Is AI a bubble?"));
        await Api.WaitForMessagesAsync(Updates.PrivateChat, 1);

        Assert.True(Api.CallsOf("getUpdates").Count >= 2);
    }

    [Fact]
    public async Task Server_errors_back_off_exponentially_and_recover()
    {
        const string error = """{"ok":false,"error_code":502,"description":"Bad Gateway"}""";
        Api.FailNext("getUpdates", 502, error);
        Api.FailNext("getUpdates", 502, error);
        BotHost = await StartAsync(("Telegram:RetryInitialDelaySeconds", "2"));

        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        _clock.Advance(TimeSpan.FromSeconds(2));
        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(4));
        Assert.Equal(2, Api.CallsOf("getUpdates").Count);
        _clock.Advance(TimeSpan.FromSeconds(4));

        Api.Deliver(Updates.Private(1, 10, "Is AI a bubble?"));
        await Api.WaitForMessagesAsync(Updates.PrivateChat, 1);
    }

    private Task<IHost> StartAsync(params (string Key, string Value)[] settings) => TestHosts.StartPollingAsync(
        Api,
        configure: s =>
        {
            foreach (var (key, value) in settings)
            {
                s[key] = value;
            }
        },
        services: s => s.AddSingleton<TimeProvider>(_clock));
}
