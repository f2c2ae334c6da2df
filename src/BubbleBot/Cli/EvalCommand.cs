using System.Globalization;
using System.Text.Json;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Text;

namespace BubbleBot.Cli;

/// <summary>
/// <c>eval FILE</c>: scores a question file (JSON lines with <c>q</c>, <c>gold</c>, <c>facts</c>, <c>expect</c>):
/// hit@3 on article ids, fact presence in the answer or its quotes, and refusals of out-of-scope questions.
/// </summary>
public static class EvalCommand
{
    public static async Task<int> RunAsync(string[] words, string[] configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (words.Length != 1)
        {
            return await CommandLine.WriteUsage(error, CommandLine.UsageError, "eval needs exactly one question file.");
        }

        var questions = await ReadQuestionsAsync(words[0], cancellationToken);
        using var host = BubbleBotHost.CreateForCommands(configuration).Build();
        await host.StartAsync(cancellationToken);
        var answers = host.Services.GetRequiredService<IAnswerService>();
        var report = new EvalReport();
        foreach (var question in questions)
        {
            var answer = await answers.AnswerAsync(new AnswerRequest(question.Q), cancellationToken);
            report.Add(question, answer);
        }

        await host.StopAsync(cancellationToken);
        await output.WriteAsync(report.ToString());
        return CommandLine.Ok;
    }

    private static async Task<List<EvalQuestion>> ReadQuestionsAsync(string path, CancellationToken cancellationToken)
    {
        var questions = new List<EvalQuestion>();
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var question = JsonSerializer.Deserialize<EvalQuestion>(line, JsonOptions);
                if (string.IsNullOrWhiteSpace(question?.Q))
                {
                    throw new IOException($"{path}:{lineNumber}: the line has no \"q\".");
                }

                questions.Add(question);
            }
            catch (JsonException ex)
            {
                throw new IOException($"{path}:{lineNumber}: not a JSON object ({ex.Message})", ex);
            }
        }

        return questions;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
}

public sealed record EvalQuestion(string? Id, string? Lang, string Q, string[]? Gold, string[]? Facts, string? Expect)
{
    public bool ExpectsNoAnswer => string.Equals(Expect, "no_answer", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The tallies and misses of one evaluation run.</summary>
public sealed class EvalReport
{
    private readonly List<string> _misses = [];

    public int InScope { get; private set; }

    public int Hits { get; private set; }

    public int WithFacts { get; private set; }

    public int FactsFound { get; private set; }

    public int OutOfScope { get; private set; }

    public int Refused { get; private set; }

    public double HitAt3 => InScope == 0 ? 0 : (double)Hits / InScope;

    public IReadOnlyList<string> Misses => _misses;

    public void Add(EvalQuestion question, Answer answer)
    {
        var id = question.Id ?? "?";
        var cited = answer.Citations.Take(3).Select(c => c.DocId).ToList();
        if (question.ExpectsNoAnswer)
        {
            OutOfScope++;
            if (answer.NoAnswer && answer.Citations.Count == 0)
            {
                Refused++;
            }
            else
            {
                _misses.Add($"{id} answered an out-of-scope question, citing [{string.Join(", ", cited)}]: {question.Q}");
            }

            return;
        }

        InScope++;
        var gold = question.Gold ?? [];
        if (cited.Any(gold.Contains))
        {
            Hits++;
        }
        else
        {
            _misses.Add($"{id} hit@3 miss: cited [{string.Join(", ", cited)}], expected one of [{string.Join(", ", gold)}]: {question.Q}");
        }

        if (question.Facts is { Length: > 0 } facts)
        {
            WithFacts++;
            var said = Normalize(answer.Text + string.Concat(answer.Citations.Select(c => c.Quote)));
            if (facts.Any(f => said.Contains(Normalize(f), StringComparison.OrdinalIgnoreCase)))
            {
                FactsFound++;
            }
            else
            {
                _misses.Add($"{id} fact miss: none of [{string.Join(", ", facts)}] in the answer: {question.Q}");
            }
        }
    }

    /// <summary>Facts are compared after folding Traditional to Simplified and removing whitespace.</summary>
    private static string Normalize(string text) => string.Concat(ScriptFolder.Fold(text).Where(c => !char.IsWhiteSpace(c)));

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"hit@3:    {Hits}/{InScope} = {HitAt3:0.000}"),
            string.Create(c, $"facts:    {FactsFound}/{WithFacts}"),
            string.Create(c, $"refusals: {Refused}/{OutOfScope} out-of-scope questions refused"),
        };
        lines.Add(_misses.Count == 0 ? "misses:   none" : "misses:");
        lines.AddRange(_misses.Select(m => "  " + m));
        return string.Join('\n', lines) + "\n";
    }
}
