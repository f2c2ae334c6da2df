using BubbleBot.Core;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Telegram.Tests.Infrastructure;

/// <summary>Builds the bot as the real host does (core + AddTelegram) against the fake Bot API.</summary>
public static class TestHosts
{
    public const string Token = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz";
    public const string WebhookSecret = "s3cret-Webhook_token";

    public static Dictionary<string, string?> Settings(FakeBotApi api) => new()
    {
        ["Telegram:Token"] = Token,
        ["Telegram:ApiBaseUrl"] = api.BaseUrl,
        ["Telegram:PollingTimeoutSeconds"] = "1",
        ["Corpus:Path"] = CorpusPath,
        ["RateLimit:PerUserPerMinute"] = "100",
    };

    /// <summary>A polling bot: Generic Host, the real core over the repository's corpus, the adapter.</summary>
    public static async Task<IHost> StartPollingAsync(
        FakeBotApi api,
        Action<Dictionary<string, string?>>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = Settings(api);
        configure?.Invoke(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Compose(builder, settings, services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A webhook bot: WebApplication on a free port with the endpoint mapped.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartWebhookAsync(
        FakeBotApi api,
        Action<IServiceCollection>? services = null,
        Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = Settings(api);
        settings["Telegram:WebhookUrl"] = "https://bot.example.org/telegram/webhook";
        settings["Telegram:WebhookSecret"] = WebhookSecret;
        configure?.Invoke(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        Compose(builder, settings, services);
        var app = builder.Build();
        app.MapTelegramWebhook();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    public static void Compose(IHostApplicationBuilder builder, Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.AddBubbleBotCore();
        builder.AddTelegram();
        services?.Invoke(builder.Services);
    }

    /// <summary>
    /// Waits until a webhook bot takes updates: getMe has answered and the journal has been replayed (until then every
    /// update is refused with 503, and Telegram delivers it again).
    /// </summary>
    public static Task ReceivingAsync(IServiceProvider services) =>
        services.GetRequiredService<BubbleBot.Telegram.Receiving.UpdateDispatcher>().Replayed.WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>Replaces the core's answers with a controlled one (only where a test needs a specific answer).</summary>
    public static Action<IServiceCollection> Answers(Func<AnswerRequest, CancellationToken, Task<Answer>> answer) =>
        services => services.AddSingleton<IAnswerService>(new ControlledAnswers(answer));

    /// <summary>An answer service whose answers signal <paramref name="started"/> and then run until cancelled.</summary>
    public static Action<IServiceCollection> AnswersThatNeverEnd(TaskCompletionSource started) => Answers(async (request, ct) =>
    {
        started.TrySetResult();
        await Task.Delay(Timeout.Infinite, ct);
        return new Answer(request.Question, "never", false, [], AnswerLanguage.English);
    });

    /// <summary>The repository's corpus.</summary>
    public static string CorpusPath => RepositoryPaths.Corpus;

    private sealed class ControlledAnswers(Func<AnswerRequest, CancellationToken, Task<Answer>> answer) : IAnswerService
    {
        public Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken) => answer(request, cancellationToken);
    }
}
