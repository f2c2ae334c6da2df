using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BubbleBot.Telegram.Tests;

/// <summary>A 429 waits exactly its retry_after (on the injected clock) and then the same call is made again.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly SignalingTimeProvider _clock = new();
    private FakeBotApi _api = null!;
    private IHost? _host;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await _api.DisposeAsync();
    }

    [Fact]
    public async Task SendMessage_429_is_retried_after_its_retry_after()
    {
        _api.FailNextWithRetryAfter("sendMessage", 7);
        _host = await StartAsync();
        _api.Deliver(Updates.Private(1, 10, "Why do some people say AI is a bubble?"));

        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        Assert.Single(_api.CallsOf("sendMessage"));

        _clock.Advance(TimeSpan.FromSeconds(7));
        var attempts = await _api.WaitForMessagesAsync(Updates.PrivateChat, 2);

        Assert.Equal(attempts[0].Text, attempts[1].Text);
        Assert.Equal(10, attempts[1].ReplyTo);
    }

    [Fact]
    public async Task GetUpdates_429_is_retried_after_its_retry_after()
    {
        _api.FailNextWithRetryAfter("getUpdates", 3);
        _host = await StartAsync();

        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        Assert.Single(_api.CallsOf("getUpdates"));

        _clock.Advance(TimeSpan.FromSeconds(3));
        _api.Deliver(Updates.Private(1, 10, "Is AI a bubble?"));
        await _api.WaitForMessagesAsync(Updates.PrivateChat, 1);

        Assert.True(_api.CallsOf("getUpdates").Count >= 2);
    }

    [Fact]
    public async Task Server_errors_back_off_exponentially_and_recover()
    {
        const string error = """{"ok":false,"error_code":502,"description":"Bad Gateway"}""";
        _api.FailNext("getUpdates", 502, error);
        _api.FailNext("getUpdates", 502, error);
        _host = await StartAsync(("Telegram:RetryInitialDelaySeconds", "2"));

        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        _clock.Advance(TimeSpan.FromSeconds(2));
        await _clock.WaitForTimerAsync(TimeSpan.FromSeconds(4));
        Assert.Equal(2, _api.CallsOf("getUpdates").Count);
        _clock.Advance(TimeSpan.FromSeconds(4));

        _api.Deliver(Updates.Private(1, 10, "Is AI a bubble?"));
        await _api.WaitForMessagesAsync(Updates.PrivateChat, 1);
    }

    private Task<IHost> StartAsync(params (string Key, string Value)[] settings) => TestHosts.StartPollingAsync(
        _api,
        configure: s =>
        {
            foreach (var (key, value) in settings)
            {
                s[key] = value;
            }
        },
        services: s => s.AddSingleton<TimeProvider>(_clock));
}
