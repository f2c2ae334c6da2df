using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Text;

namespace BubbleBot.Cli;

/// <summary>
/// <c>ask</c>: one question from the arguments, or one per line of standard input with <c>--stdin</c>; with
/// <c>--conversation</c> the lines are one conversation, so a follow-up ("为什么？") is read against the line before.
/// <c>sides [topic]</c> asks for both sides of the debate.
/// </summary>
public static class AskCommand
{
    /// <summary>As many earlier turns as a chat conversation keeps.</summary>
    private const int ConversationTurns = 4;

    public static async Task<int> RunAsync(string[] words, string[] configuration, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken, bool bothSides = false)
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

        using var host = BubbleBotHost.CreateForCommands(configuration).Build();
        await host.StartAsync(cancellationToken);
        var answers = host.Services.GetRequiredService<IAnswerService>();
        if (!fromStdin)
        {
            await AnswerOneAsync(answers, new Asked(question, [], bothSides), json, output, error, cancellationToken);
        }
        else
        {
            var history = new List<ConversationTurn>();
            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                var answer = await AnswerOneAsync(answers, new Asked(line, conversation ? [.. history] : [], bothSides), json, output, error, cancellationToken);
                if (conversation && answer is not null)
                {
                    history.Add(new ConversationTurn(answer.Question, answer.Text));
                    if (history.Count > ConversationTurns)
                    {
                        history.RemoveAt(0);
                    }
                }
            }
        }

        await host.StopAsync(cancellationToken);
        return CommandLine.Ok;
    }

    private sealed record Asked(string Raw, IReadOnlyList<ConversationTurn> History, bool BothSides);

    /// <summary>Writes the answer to one question; returns it, or null for an empty line.</summary>
    private static async Task<Answer?> AnswerOneAsync(IAnswerService answers, Asked asked, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var clean = QuestionSanitizer.Sanitize(asked.Raw);
        var labels = AnswerLabels.For(LanguageDetector.Detect(clean.Text));
        if (clean.WasTruncated)
        {
            await error.WriteLineAsync(labels.Truncated);
        }

        // An empty line still gets its line of output, so answers stay in step with the questions.
        var answer = clean.IsEmpty && !asked.BothSides
            ? null
            : await answers.AnswerAsync(new AnswerRequest(clean.Text, asked.History, asked.BothSides), cancellationToken);
        var shown = answer ?? new Answer(string.Empty, labels.Usage, NoAnswer: true, [], AnswerLanguage.English);
        await output.WriteLineAsync(json ? AnswerJson.From(shown).ToJsonLine() : PlainTextRenderer.Render(shown));
        await output.FlushAsync(cancellationToken);
        return answer;
    }
}
