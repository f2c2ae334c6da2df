using BubbleBot.Core.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Corpus;

namespace BubbleBot.ConsoleChat;

/// <summary>
/// The chat that needs nothing at all: when no chat platform is configured, questions are read from the terminal
/// and answered with their sources. End of input or Ctrl+C ends it cleanly. The operator at the terminal is not rate
/// limited, and while the chat is open only warnings and errors are logged (to stderr), so log lines stay off the prompt.
/// </summary>
public sealed partial class ConsoleChatService(
    ChatPipeline pipeline,
    IArticleCatalog catalog,
    ConsoleChatIO io,
    IHostApplicationLifetime lifetime,
    ILogger<ConsoleChatService> logger) : BackgroundService
{
    private const string ConversationKey = "console";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (and its own log lines) before the first prompt.
        await Task.Yield();
        await io.Output.WriteLineAsync(Welcome());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await io.Output.WriteAsync("\n> ");
                await io.Output.FlushAsync(stoppingToken);

                // Console reads cannot be cancelled; WaitAsync lets Ctrl+C end the chat without waiting for a line.
                var line = await Task.Run(io.Input.ReadLine, CancellationToken.None).WaitAsync(stoppingToken);
                if (line is null)
                {
                    break;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                await io.Output.WriteLineAsync(await AnswerAsync(line, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Ctrl+C: the host is stopping.
        }

        await io.Output.WriteLineAsync();
        lifetime.StopApplication();
    }

    /// <summary>One question's reply; a failure is logged and apologised for, and the chat goes on.</summary>
    private async Task<string> AnswerAsync(string line, CancellationToken cancellationToken)
    {
        try
        {
            return Render(await pipeline.HandleAsync(new IncomingQuestion("console", ConversationKey, line, RateLimited: false), cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.AnswerFailed(logger, ex);
            return ChatTexts.ApologyFor(line);
        }
    }

    private string Welcome()
    {
        var titles = string.Join('\n', catalog.Articles.Select(a => $"  • {Quotes.DisplayTitle(a, AnswerLanguage.English)}"));
        return $"BubbleBot: ask about the AI-bubble debate in English or Chinese (简体/繁體/粵語). Ctrl+C or Ctrl+D ends.\n" +
               $"I answer from {catalog.Articles.Count} articles:\n{titles}";
    }

    internal static string Render(ChatReply reply) => reply switch
    {
        ChatReply.Answered answered => answered.Note is null
            ? PlainTextRenderer.Render(answered.Answer)
            : $"{answered.Note}\n\n{PlainTextRenderer.Render(answered.Answer)}",
        ChatReply.Notice notice => notice.Text,
        _ => string.Empty,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Answering a console question failed")]
        public static partial void AnswerFailed(ILogger logger, Exception exception);
    }
}

/// <summary>The console chat's input and output; the real terminal in the bot, strings in tests.</summary>
public sealed record ConsoleChatIO(TextReader Input, TextWriter Output);
