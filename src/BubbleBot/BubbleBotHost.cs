using BubbleBot.ConsoleChat;
using BubbleBot.Core;

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
        return builder;
    }

    /// <summary>The long-running bot: every configured platform, or the console chat when none is.</summary>
    public static async Task<int> RunBotAsync(string[] args, ConsoleChatIO console, CancellationToken cancellationToken)
    {
        var builder = CreateBuilder(args);
        ConfigureLogging(builder, LogLevel.Information);
        builder.AddBubbleBotCore();

        var platforms = 0;
        if (platforms == 0)
        {
            builder.Services.AddSingleton(console);
            builder.Services.AddHostedService<ConsoleChatService>();
        }

        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return 0;
    }

    private static HostApplicationBuilder CreateBuilder(string[] args)
    {
        // appsettings.json is read from next to the program, wherever it is started from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Secrets may live in user secrets in any environment; environment variables and arguments still win.
        builder.Configuration.AddUserSecrets(typeof(BubbleBotHost).Assembly, optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        return builder;
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
