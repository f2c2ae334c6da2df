using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Text;

namespace BubbleBot.Cli;

/// <summary><c>ask</c>: one question from the arguments, or one per line of standard input with <c>--stdin</c>.</summary>
public static class AskCommand
{
    public static async Task<int> RunAsync(string[] words, string[] configuration, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var json = words.Contains("--json");
        var fromStdin = words.Contains("--stdin");
        var question = string.Join(' ', words.Where(w => w is not ("--json" or "--stdin")));
        if (!fromStdin && QuestionSanitizer.Sanitize(question).IsEmpty)
        {
            return await CommandLine.WriteUsage(error, CommandLine.UsageError, "ask needs a question.");
        }

        if (fromStdin && question.Length > 0)
        {
            return await CommandLine.WriteUsage(error, CommandLine.UsageError, "ask --stdin reads questions from standard input; give none as arguments.");
        }

        using var host = BubbleBotHost.CreateForCommands(configuration).Build();
        await host.StartAsync(cancellationToken);
        var answers = host.Services.GetRequiredService<IAnswerService>();
        if (!fromStdin)
        {
            await AnswerOneAsync(answers, question, json, output, error, cancellationToken);
        }
        else
        {
            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                await AnswerOneAsync(answers, line, json, output, error, cancellationToken);
            }
        }

        await host.StopAsync(cancellationToken);
        return CommandLine.Ok;
    }

    private static async Task AnswerOneAsync(IAnswerService answers, string raw, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var clean = QuestionSanitizer.Sanitize(raw);
        var labels = AnswerLabels.For(LanguageDetector.Detect(clean.Text));
        if (clean.WasTruncated)
        {
            await error.WriteLineAsync(labels.Truncated);
        }

        // An empty line still gets its line of output, so answers stay in step with the questions.
        var answer = clean.IsEmpty
            ? new Answer(string.Empty, labels.Usage, NoAnswer: true, [], AnswerLanguage.English)
            : await answers.AnswerAsync(new AnswerRequest(clean.Text), cancellationToken);
        await output.WriteLineAsync(json ? AnswerJson.From(answer).ToJsonLine() : PlainTextRenderer.Render(answer));
        await output.FlushAsync(cancellationToken);
    }
}
