using BubbleBot.Core.Corpus;
using Microsoft.Extensions.Options;

namespace BubbleBot.Cli;

/// <summary>
/// The program's commands: no command runs the bot (the console chat when no platform is configured);
/// <c>ask</c> answers one question or a stream of them; <c>eval</c> scores a question file.
/// Standard output carries only answers; logs and errors go to standard error.
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    public const string Usage = """
        BubbleBot answers questions about the AI-bubble debate from its articles, with sources.

        Usage:
          BubbleBot                         run the bot (console chat when no platform is configured)
          BubbleBot ask "question"          print one answer with its sources
          BubbleBot ask --json "question"   print one JSON object
          BubbleBot ask --json --stdin      read one question per line, write one JSON object per line
          BubbleBot ask --stdin --conversation   the lines are one conversation: follow-ups use the lines before
          BubbleBot sides ["topic"]         both sides of the debate, with the articles that argue each
          BubbleBot eval FILE               score a question file (JSON lines: q, gold, facts, expect)

        Configuration comes from appsettings.json, environment variables (e.g. Telegram__Token) and user secrets.
        """;

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            // Options such as --Corpus:Path=... are configuration, not commands.
            var words = args.Where(a => !a.Contains('=') || !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            var configuration = args.Except(words).ToArray();
            return words.FirstOrDefault() switch
            {
                null => await BubbleBotHost.RunBotAsync(configuration, new ConsoleChat.ConsoleChatIO(input, output), cancellationToken),
                "ask" => await AskCommand.RunAsync(words[1..], configuration, input, output, error, cancellationToken),
                "sides" => await AskCommand.RunAsync(words[1..], configuration, input, output, error, cancellationToken, bothSides: true),
                "eval" => await EvalCommand.RunAsync(words[1..], configuration, output, error, cancellationToken),
                "help" or "--help" or "-h" => await WriteUsage(output, Ok),
                var unknown => await WriteUsage(error, UsageError, $"Unknown command '{unknown}'."),
            };
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"error: configuration is invalid: {string.Join(" ", ex.Failures)}");
            return Failed;
        }
        catch (CorpusException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Failed;
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return Failed;
        }
    }

    internal static async Task<int> WriteUsage(TextWriter writer, int exitCode, string? problem = null)
    {
        if (problem is not null)
        {
            await writer.WriteLineAsync(problem);
        }

        await writer.WriteLineAsync(Usage);
        return exitCode;
    }
}
