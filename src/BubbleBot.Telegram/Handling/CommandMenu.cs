using BubbleBot.Telegram.Client;
using BubbleBot.Telegram.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace BubbleBot.Telegram.Handling;

/// <summary>
/// Registers the bot's command menu with setMyCommands at every start, so operators need not set it in BotFather:
/// English for everyone, Chinese for Chinese-language clients (<c>language_code</c> "zh"), and, in each admin's private
/// chat (<c>Telegram:AdminUserIds</c>), the same plus <c>/report</c>. A failure costs the menu, never the bot.
/// </summary>
internal sealed partial class CommandMenu(TelegramApi api, IOptions<TelegramOptions> options, ILogger<CommandMenu> logger)
{
    private static readonly BotCommand[] English =
    [
        new("ask", "Ask a question about the AI-bubble debate"),
        new("sides", "Both sides of the debate, on a topic"),
        new("sources", "The articles the answers come from"),
        new("help", "How to ask"),
    ];

    private static readonly BotCommand[] Chinese =
    [
        new("ask", "提一个关于 AI 泡沫之争的问题"),
        new("sides", "某个话题上正反两方的观点"),
        new("sources", "回答所依据的文章"),
        new("help", "使用说明"),
    ];

    private static readonly BotCommand EnglishReport = new("report", "Feedback report: refused and down-voted answers");
    private static readonly BotCommand ChineseReport = new("report", "反馈报告：未能回答和被差评的回答");

    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var menus = new List<(BotCommandScope Scope, string? Language, BotCommand[] Commands)>
        {
            (new BotCommandScopeDefault(), null, English),
            (new BotCommandScopeDefault(), "zh", Chinese),
        };
        foreach (var admin in options.Value.AdminUserIds)
        {
            // A private chat's id is the user's id: the admin sees /report there, and nowhere else.
            menus.Add((new BotCommandScopeChat { ChatId = admin }, null, [.. English, EnglishReport]));
            menus.Add((new BotCommandScopeChat { ChatId = admin }, "zh", [.. Chinese, ChineseReport]));
        }

        foreach (var (scope, language, commands) in menus)
        {
            try
            {
                await api.CallAsync(
                    "setMyCommands",
                    (client, ct) => client.SetMyCommands(commands, scope, language, ct),
                    options.Value.SendAttempts,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                Log.MenuFailed(logger, scope.Type.ToString(), language ?? "default", exception.GetType().Name, exception.Message);
                return;
            }
        }

        Log.MenuRegistered(logger, menus.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2030, Level = LogLevel.Information, Message = "Telegram command menu registered ({Menus} scope/language menus)")]
        public static partial void MenuRegistered(ILogger logger, int menus);

        [LoggerMessage(EventId = 2031, Level = LogLevel.Warning, Message = "Telegram setMyCommands failed for scope {Scope}, language {Language} ({ErrorType}: {Error}); the command menu may be stale until the next start")]
        public static partial void MenuFailed(ILogger logger, string scope, string language, string errorType, string error);
    }
}
