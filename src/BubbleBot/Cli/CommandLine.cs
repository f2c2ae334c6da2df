using BubbleBot.Core.Corpus;
using BubbleBot.Hosting;
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

    public const int Interrupted = 130;

    public const string Usage = """
        BubbleBot answers questions about the AI-bubble debate from its articles, with sources.

        Usage:
          BubbleBot                         run the bot (console chat when no platform is configured)
          BubbleBot ask "question"          print one answer with its sources
          BubbleBot ask --json "question"   print one JSON object
          BubbleBot ask --json --stdin      read one question per line, write one JSON object per line
          BubbleBot ask --stdin --conversation   the lines are one conversation: follow-ups use the lines before
          BubbleBot sides ["topic"]         both sides of the debate, with the articles that argue each
          BubbleBot eval FILE...            score question files (JSON lines: q, gold, facts, expect)
          BubbleBot report [--json] [--since 7d]   refused and down-voted answers, cited articles, languages
          BubbleBot reindex                 check the corpus and rebuild the persisted index (a running bot reloads by itself, or on SIGHUP)

        Options:
          --config FILE                     the settings file (also BUBBLEBOT_CONFIG); default: appsettings.json in the
                                            repository root of a checkout, else in the working directory
          --Section:Key=value               any setting, e.g. --Corpus:Path=/srv/articles

        Settings come from the settings file, user secrets, environment variables (e.g. Telegram__Token) and arguments.
        Exit codes: 0 done, 1 a configuration or start-up error (one line on stderr), 2 wrong usage, 130 interrupted.
        """;

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var debug = false;
        try
        {
            var (configFile, rest) = TakeConfigOption(args);
            if (configFile == string.Empty)
            {
                return await WriteUsage(error, UsageError, "--config needs the path of a settings file.");
            }

            // Options such as --Corpus:Path=... are configuration, not commands.
            var words = rest.Where(a => !a.Contains('=') || !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            var configuration = rest.Except(words).ToArray();
            debug = configuration.Any(a => a.StartsWith("--Logging:LogLevel:Default=Debug", StringComparison.OrdinalIgnoreCase) || a.StartsWith("--Logging:LogLevel:Default=Trace", StringComparison.OrdinalIgnoreCase))
                || Environment.GetEnvironmentVariable("Logging__LogLevel__Default") is "Debug" or "Trace";
            if (words.FirstOrDefault() is "help" or "--help" or "-h")
            {
                return await WriteUsage(output, Ok);
            }

            var location = SettingsLocation.Find(configFile, Environment.GetEnvironmentVariable(SettingsLocation.EnvironmentVariable));
            return words.FirstOrDefault() switch
            {
                null => await BubbleBotHost.RunBotAsync(configuration, location, new ConsoleChat.ConsoleChatIO(input, output), cancellationToken),
                "ask" => await AskCommand.RunAsync(words[1..], configuration, location, input, output, error, cancellationToken),
                "sides" => await AskCommand.RunAsync(words[1..], configuration, location, input, output, error, cancellationToken, bothSides: true),
                "eval" => await EvalCommand.RunAsync(words[1..], configuration, location, output, error, cancellationToken),
                "report" => await ReportCommand.RunAsync(words[1..], configuration, location, output, error, cancellationToken),
                "reindex" when words.Length == 1 => await ReindexCommand.RunAsync(configuration, location, output, cancellationToken),
                "reindex" => await WriteUsage(error, UsageError, "reindex takes no arguments."),
                var unknown => await WriteUsage(error, UsageError, $"Unknown command '{unknown}'."),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Interrupted;
        }
        catch (Exception ex) when (!debug)
        {
            // Every start-up problem is one line per problem naming the key or file; the stack trace only helps a
            // developer, who gets it with Logging:LogLevel:Default=Debug.
            foreach (var line in ErrorLines(ex))
            {
                await error.WriteLineAsync("error: " + line);
            }

            return Failed;
        }
    }

    /// <summary>The operator-facing lines of an exception: one per problem, without the framework's wrapping.</summary>
    internal static IEnumerable<string> ErrorLines(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.SelectMany(ErrorLines),
        OptionsValidationException options => options.Failures.Select(Unwrap),
        StartupError or CorpusException or IOException => exception.Message.Split('\n').Select(l => l.StartsWith("error: ", StringComparison.Ordinal) ? l[7..] : l),
        _ => [$"{exception.GetType().Name}: {OneLine(exception.Message)} (run with --Logging:LogLevel:Default=Debug for details)"],
    };

    /// <summary>DataAnnotations wraps each message ("DataAnnotation validation failed for 'X' members: 'Y' with the error: '…'.").</summary>
    private static string Unwrap(string failure)
    {
        const string marker = "with the error: '";
        var at = failure.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? OneLine(failure) : OneLine(failure[(at + marker.Length)..].TrimEnd('.').TrimEnd('\''));
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Takes <c>--config FILE</c> or <c>--config=FILE</c> out of the arguments (empty string: given without a path).</summary>
    internal static (string? File, string[] Others) TakeConfigOption(string[] args)
    {
        string? file = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config")
            {
                file = i + 1 < args.Length ? args[++i] : string.Empty;
            }
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                file = args[i]["--config=".Length..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (file, [.. rest]);
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
