using System.Net;
using System.Text;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Telegram.Tests;

public sealed class WebhookTests : IAsyncLifetime
{
    private FakeBotApi _api = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        (_app, var address) = await TestHosts.StartWebhookAsync(_api);
        _http = new HttpClient { BaseAddress = address };

        // Until getMe has answered and the journal is replayed, updates are refused with 503 (Telegram delivers them again).
        await TestHosts.ReceivingAsync(_app.Services);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task SetWebhook_is_called_with_the_url_and_the_secret()
    {
        var calls = await _api.WaitUntilAsync(c => c.Any(x => x.Method == "setWebhook"), "setWebhook");

        var set = calls.First(c => c.Method == "setWebhook");
        Assert.Equal("https://bot.example.org/telegram/webhook", set.Parameters["url"]!.GetValue<string>());
        Assert.Equal(TestHosts.WebhookSecret, set.Parameters["secret_token"]!.GetValue<string>());
        Assert.DoesNotContain(calls, c => c.Method == "getUpdates");
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-secret", HttpStatusCode.Forbidden)]
    [InlineData(TestHosts.WebhookSecret + "x", HttpStatusCode.Forbidden)]
    public async Task Requests_without_the_right_secret_are_refused(string? secret, HttpStatusCode expected)
    {
        using var response = await PostAsync(Updates.Private(1, 10, "Is AI a bubble?").ToJsonString(), secret);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task An_update_with_the_right_secret_is_answered_and_a_redelivery_is_not()
    {
        var update = Updates.Private(77, 10, "Why do some people say AI is a bubble?").ToJsonString();
        using (var response = await PostAsync(update, TestHosts.WebhookSecret))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var again = await PostAsync(update, TestHosts.WebhookSecret))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        // A later update of the same chat is handled after the first, so its reply proves the repeat was dropped.
        using (var next = await PostAsync(Updates.Private(78, 11, "/sources").ToJsonString(), TestHosts.WebhookSecret))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        var replies = await _api.WaitForMessagesAsync(Updates.PrivateChat, 2);
        Assert.Equal([10, 11], replies.Select(r => r.ReplyTo!.Value));
        Assert.All(replies, r => TelegramHtml.AssertValid(r.Text));
    }

    [Fact]
    public async Task A_body_that_is_not_an_update_is_a_bad_request()
    {
        using var response = await PostAsync("not json", TestHosts.WebhookSecret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private Task<HttpResponseMessage> PostAsync(string json, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/telegram/webhook") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        }

        return _http.SendAsync(request);
    }
}
