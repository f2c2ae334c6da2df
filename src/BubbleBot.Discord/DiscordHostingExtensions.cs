using BubbleBot.Core.Health;
using BubbleBot.Core.Chat;
using BubbleBot.Discord.Gateway;
using BubbleBot.Discord.Handling;
using BubbleBot.Discord.Rest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord;

public static class DiscordHostingExtensions
{
    /// <summary>
    /// Adds the Discord adapter when <c>Discord:Token</c> is set (otherwise nothing is registered). It answers through
    /// the core's <c>ChatPipeline</c>, so the host must also call <c>AddBubbleBotCore()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddDiscord(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{DiscordOptions.Section}:{nameof(DiscordOptions.Token)}"]))
        {
            return builder;
        }

        var services = builder.Services;
        services.AddOptions<DiscordOptions>()
            .BindConfiguration(DiscordOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // DiscordRestClient follows Discord's 429/5xx rules itself; the host adds no resilience handler.
        services.AddSingleton(new ChatPlatform("Discord"));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGatewayJitter, RandomGatewayJitter>();
        services.TryAddSingleton<RestRateLimits>();
        services.TryAddSingleton<DiscordRestClient>();
        services.TryAddSingleton<DiscordWorkQueue>();
        services.TryAddSingleton<DiscordResponder>();
        services.TryAddSingleton<AnswerChannels>();

        services.AddHttpClient(DiscordRestClient.HttpClientName, (provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
                client.BaseAddress = new Uri(options.ApiBaseUrl.TrimEnd('/') + "/");
                client.DefaultRequestHeaders.Authorization = new("Bot", options.Token);
                client.DefaultRequestHeaders.UserAgent.ParseAdd(DiscordRestClient.UserAgent);
            })
            // Interaction tokens are part of request URLs: keep them out of the default HTTP logs.
            .RemoveAllLoggers();

        services.AddChatAdapter(DiscordGatewayService.AdapterName);
        services.AddHostedService<DiscordGatewayService>();
        return builder;
    }
}
