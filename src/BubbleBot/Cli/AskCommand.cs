using System.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Text;
using BubbleBot.Hosting;

namespace BubbleBot.Cli;

/// <summary>
/// <c>ask</c>: one question from the arguments, or one per line of standard input with <c>--stdin</c>; with
/// <c>--conversation</c> the lines are one conversation, so a follow-up ("为什么？") is read against the lines before.
/// <c>sides [topic]</c> asks for both sides of the debate.
/// </summary>
public static class AskCommand
{
    public static async Task<int> RunAsync(string[] words, string[] configuration, SettingsLocation location, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken, bool bothSides = false)
    {
        var json = words.Contains("--json");
        var fromStdin = words.Contains("--stdin");
        var conversation = words.Contains("--conversation");
        var question = string.Join(' ', words.Where(w => w is not ("--json" or "--stdin" or "--conversation")));
        if (!fromStdin && !bothSides && QuestionSanitizer.Sanitize(question).IsEmpty)
        {
            return await CommandLine.WriteUsage(error, CommandLine.UsageError, "ask needs a question.");
        }

        if (fromStdin && question.Length > 0)
        {
            return await CommandLine.WriteUsage(error, CommandLine.UsageError, "ask --stdin reads questions from standard input; give none as arguments.");
        }

        using var host = BubbleBotHost.CreateForCommands(configuration, location).Build();
        BubbleBotHost.ValidateBeforeStart(host.Services);
        await host.StartAsync(cancellationToken);

        // SIGINT and SIGTERM stop the host; the loop stops with it instead of reading on.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var pipeline = host.Services.GetRequiredService<ChatPipeline>();
        var exitCode = CommandLine.Ok;
        try
        {
            if (!fromStdin)
            {
                await AnswerOneAsync(pipeline, new IncomingQuestion("cli", "cli:1", question, RateLimited: false, BothSides: bothSides), json, output, error, stop.Token);
            }
            else
            {
                var number = 0;
                await foreach (var line in ReadLinesAsync(input, stop.Token))
                {
                    // Each line is its own conversation unless the lines are one.
                    var conversationKey = conversation ? "cli" : $"cli:{++number}";
                    await AnswerOneAsync(pipeline, new IncomingQuestion("cli", conversationKey, line, RateLimited: false, BothSides: bothSides), json, output, error, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            exitCode = CommandLine.Interrupted;
        }

        await host.StopAsync(CancellationToken.None);
        return exitCode;
    }

    /// <summary>
    /// Lines end at '\n' (a preceding '\r' is dropped): a bare '\r' inside a question is whitespace, not a new question,
    /// so N lines in always give N answers out. Console reads cannot be cancelled, so each read is waited for with the token.
    /// </summary>
    internal static async IAsyncEnumerable<string> ReadLinesAsync(TextReader input, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        while (true)
        {
            var read = await input.ReadAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(cancellationToken);
            if (read == 0)
            {
                break;
            }

            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                line.Append(buffer, start, i - start);
                start = i + 1;
                yield return TrimCarriageReturn(line);
                line.Clear();
            }

            line.Append(buffer, start, read - start);
        }

        if (line.Length > 0)
        {
            yield return TrimCarriageReturn(line);
        }
    }

    private static string TrimCarriageReturn(StringBuilder line) =>
        line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();

    /// <summary>Through the chat pipeline, as every chat question (cleaning, the cut note, follow-ups), without its rate limit.</summary>
    private static async Task AnswerOneAsync(ChatPipeline pipeline, IncomingQuestion question, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var reply = await pipeline.HandleAsync(question, cancellationToken);
        var (answer, note) = reply switch
        {
            ChatReply.Answered answered => (answered.Answer, answered.Note),

            // An empty line still gets its line of output, so answers stay in step with the questions.
            ChatReply.Notice notice => (new Answer(string.Empty, notice.Text, NoAnswer: true, [], notice.Language), null),
            _ => (new Answer(string.Empty, string.Empty, NoAnswer: true, [], AnswerLanguage.English), null),
        };
        if (note is not null)
        {
            await error.WriteLineAsync(note);
        }

        await output.WriteLineAsync(json ? AnswerJson.From(answer, truncated: note is not null).ToJsonLine() : PlainTextRenderer.Render(answer));
        await output.FlushAsync(cancellationToken);
    }
}
