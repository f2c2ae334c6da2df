using BubbleBot.Core.Health;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Configuration;
using BubbleBot.Telegram.Client;
using BubbleBot.Telegram.Configuration;
using BubbleBot.Telegram.Handling;
using BubbleBot.Telegram.Receiving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Telegram;

public static class TelegramExtensions
{
    /// <summary>
    /// Adds the Telegram adapter when <c>Telegram:Token</c> is set (otherwise the bot runs without Telegram):
    /// options validated at start, the Bot API client, and the polling or webhook service.
    /// Needs the core (<c>AddBubbleBotCore</c>) for ChatPipeline, ConversationMemory and IArticleCatalog.
    /// </summary>
    public static IHostApplicationBuilder AddTelegram(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TelegramOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(TelegramOptions.Token)]))
        {
            return builder;
        }

        var services = builder.Services;
        services.AddOptions<TelegramOptions>()
            .Bind(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => DataPaths.ForProgram());

        services.AddHttpClient(TelegramApi.HttpClientName)
            .ConfigureHttpClient((provider, http) =>
            {
                // Long polling holds a request open for PollingTimeoutSeconds; leave room beyond it.
                var polling = provider.GetRequiredService<IOptions<TelegramOptions>>().Value.PollingTimeoutSeconds;
                http.Timeout = TimeSpan.FromSeconds(polling + 30);
            })
            // The token is part of every request URL: no request logging for this client.
            .RemoveAllLoggers();

        // TelegramApi is the only retry layer (429 retry_after, back-off); the host adds no resilience handler.
        services.AddSingleton(new ChatPlatform("Telegram"));
        services.AddSingleton<TelegramApi>();
        services.AddSingleton<BotIdentityProvider>();
        services.AddSingleton<CommandMenu>();
        services.AddSingleton<TelegramAdmission>();
        services.AddSingleton<UpdateJournal>();
        services.AddSingleton<UpdateDispatcher>();
        services.AddSingleton<IHealthContributor, TelegramHealthFigures>();
        services.AddChatAdapter(PollingService.AdapterName);
        services.AddScoped<UpdateHandler>();

        if (string.IsNullOrWhiteSpace(section[nameof(TelegramOptions.WebhookUrl)]))
        {
            services.AddHostedService<PollingService>();
        }
        else
        {
            services.AddHostedService<WebhookService>();
        }

        return builder;
    }

    /// <summary>
    /// Maps Telegram's webhook endpoint at the path of <c>Telegram:WebhookUrl</c>. Does nothing when Telegram is off or
    /// in polling mode, so the host can call it unconditionally.
    /// </summary>
    public static IEndpointRouteBuilder MapTelegramWebhook(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetService<IOptions<TelegramOptions>>();
        if (options is null)
        {
            return endpoints;
        }

        var settings = options.Value;
        if (!settings.UseWebhook)
        {
            Log.WebhookNotMapped(endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TelegramExtensions)));
            return endpoints;
        }

        endpoints.MapPost(WebhookEndpoint.PathOf(settings), (RequestDelegate)WebhookEndpoint.HandleAsync)
            .WithName("TelegramWebhook")
            .ExcludeFromDescription();
        return endpoints;
    }
}
