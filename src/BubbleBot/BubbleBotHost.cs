using BubbleBot.ConsoleChat;
using BubbleBot.Cli;
using BubbleBot.Core;
using BubbleBot.Discord;
using BubbleBot.Llm;
using BubbleBot.Telegram;
using Microsoft.AspNetCore.Builder;

namespace BubbleBot;

/// <summary>Composes the one host process: the shared core, model answers when configured, and every configured chat adapter.</summary>
public static class BubbleBotHost
{
    /// <summary>The builder for one-shot commands (ask, eval): the answer layer without any chat adapter.</summary>
    public static HostApplicationBuilder CreateForCommands(string[] args)
    {
        var builder = CreateBuilder(args);
        ConfigureLogging(builder, LogLevel.Warning);
        builder.AddBubbleBotCore();
        builder.AddModelAnswers();
        return builder;
    }

    /// <summary>The long-running bot: every configured platform, or the console chat when none is.</summary>
    public static async Task<int> RunBotAsync(string[] args, ConsoleChatIO console, CancellationToken cancellationToken)
    {
        var builder = CreateBuilder(args);

        // Telegram's webhook needs a web server in this same host; polling and Discord do not, so the plain host
        // is used unless a webhook is configured.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Telegram:WebhookUrl"]))
        {
            var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
            AddConfigurationSources(web.Configuration, args);
            ComposeBot(web, console);
            await using var app = web.Build();
            app.MapTelegramWebhook();
            var webHealth = app.Services.GetService<BubbleBot.Core.Chat.AdapterHealth>();
            await app.RunAsync(cancellationToken);
            return ExitCode(webHealth);
        }

        ComposeBot(builder, console);
        using var host = builder.Build();
        // Resolved before running: RunAsync disposes the host's services when it returns.
        var health = host.Services.GetService<BubbleBot.Core.Chat.AdapterHealth>();
        await host.RunAsync(cancellationToken);
        return ExitCode(health);
    }

    /// <summary>Non-zero when every configured chat platform failed permanently (the watchdog stopped the host), so a supervisor notices.</summary>
    private static int ExitCode(BubbleBot.Core.Chat.AdapterHealth? health) => health?.ExitCode ?? CommandLine.Ok;

    private static void ComposeBot(IHostApplicationBuilder builder, ConsoleChatIO console)
    {
        ConfigureLogging(builder, LogLevel.Information);
        builder.AddBubbleBotCore();
        builder.AddModelAnswers();
        builder.AddTelegram();
        builder.AddDiscord();

        var platforms = new[] { "Telegram:Token", "Discord:Token" }.Count(key => !string.IsNullOrWhiteSpace(builder.Configuration[key]));
        if (platforms == 0)
        {
            builder.Services.AddSingleton(console);
            builder.Services.AddHostedService<ConsoleChatService>();
        }
    }

    private static HostApplicationBuilder CreateBuilder(string[] args)
    {
        // appsettings.json is read from next to the program, wherever it is started from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

        AddConfigurationSources(builder.Configuration, args);
        return builder;
    }

    /// <summary>Secrets may live in user secrets in any environment; environment variables and arguments still win.</summary>
    private static void AddConfigurationSources(IConfigurationManager configuration, string[] args)
    {
        configuration.AddUserSecrets(typeof(BubbleBotHost).Assembly, optional: true);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    /// <summary>Logs go to standard error, always: standard output belongs to answers.</summary>
    private static void ConfigureLogging(IHostApplicationBuilder builder, LogLevel minimum)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(minimum);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
    }
}
