using BubbleBot.ConsoleChat;
using BubbleBot.Cli;
using BubbleBot.Core;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Health;
using BubbleBot.Discord;
using BubbleBot.Hosting;
using BubbleBot.Llm;
using BubbleBot.Telegram;
using BubbleBot.Telegram.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace BubbleBot;

/// <summary>Composes the one host process: the shared core, model answers when configured, and every configured chat adapter.</summary>
public static class BubbleBotHost
{
    /// <summary>The builder for one-shot commands (ask, eval, reindex): the answer layer without any chat adapter.</summary>
    public static HostApplicationBuilder CreateForCommands(string[] args, SettingsLocation location)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = location.Paths.BaseFolder });
        Configure(builder, args, location, LogLevel.Warning);
        builder.AddBubbleBotCore();
        builder.AddModelAnswers();
        return builder;
    }

    /// <summary>The long-running bot: every configured platform, or the console chat when none is.</summary>
    public static async Task<int> RunBotAsync(string[] args, SettingsLocation location, ConsoleChatIO console, CancellationToken cancellationToken)
    {
        // A web server runs in this host only when something needs it: Telegram's webhook, or Urls for /healthz.
        var probe = new ConfigurationManager();
        location.Apply(probe, args);
        var webhook = probe[$"{TelegramOptions.Section}:{nameof(TelegramOptions.WebhookUrl)}"];
        if (!string.IsNullOrWhiteSpace(webhook) || !string.IsNullOrWhiteSpace(probe["Urls"]))
        {
            var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = location.Paths.BaseFolder });
            Configure(web, args, location, LogLevel.Information);
            ComposeBot(web, console);
            await using var app = web.Build();
            ValidateBeforeStart(app.Services);
            app.MapTelegramWebhook();
            app.MapBotHealth();
            var appHealth = app.Services.GetService<BubbleBot.Core.Chat.AdapterHealth>();
            await app.RunAsync(cancellationToken);
            return ExitCode(appHealth);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = location.Paths.BaseFolder });
        Configure(builder, args, location, LogLevel.Information);
        ComposeBot(builder, console);
        using var host = builder.Build();
        ValidateBeforeStart(host.Services);

        // RunAsync disposes the host: the health registry is taken before, to read how it ended after.
        var health = host.Services.GetService<BubbleBot.Core.Chat.AdapterHealth>();
        await host.RunAsync(cancellationToken);
        return ExitCode(health);
    }

    /// <summary>
    /// Validates every option and builds the first corpus snapshot before the host starts, so that a broken setting or
    /// corpus is reported as one line by the command line rather than as the host's failed start.
    /// </summary>
    public static void ValidateBeforeStart(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        _ = services.GetRequiredService<CorpusSnapshots>();
    }

    /// <summary>Non-zero when every configured chat platform failed permanently (the watchdog stopped the host), so a supervisor notices.</summary>
    private static int ExitCode(BubbleBot.Core.Chat.AdapterHealth? health) => health?.ExitCode ?? CommandLine.Ok;

    private static void ComposeBot(IHostApplicationBuilder builder, ConsoleChatIO console)
    {
        builder.AddBubbleBotCore();
        builder.AddModelAnswers();
        builder.AddTelegram();
        builder.AddDiscord();

        // Each adapter registers itself only when its own options enable it.
        if (!builder.Services.Any(d => d.ServiceType == typeof(ChatPlatform)))
        {
            builder.Services.AddSingleton(console);
            builder.Services.AddHostedService<ConsoleChatService>();
            if (!BotDefaults.IsDebug(builder.Configuration))
            {
                // The chat's operator reads answers in this terminal: only warnings and errors may interrupt them.
                builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
            }
        }
    }

    /// <summary>The settings sources, their check, the data paths and the shared defaults, the same for every entry point.</summary>
    private static void Configure(IHostApplicationBuilder builder, string[] args, SettingsLocation location, LogLevel minimum)
    {
        var settingsFile = location.Apply(builder.Configuration, args);
        var problems = SettingsCheck.Problems((IConfigurationRoot)builder.Configuration, settingsFile);
        if (problems.Count > 0)
        {
            throw new StartupError(string.Join("\nerror: ", problems));
        }

        builder.Services.AddSingleton(location.Paths);
        builder.AddBotDefaults(minimum);
    }
}
