using System.Globalization;
using System.Text.Json;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Text;

namespace BubbleBot.Cli;

/// <summary>
/// <c>eval FILE...</c>: scores question files (JSON lines with <c>q</c>, <c>gold</c>, <c>facts</c>, <c>expect</c>, and
/// optionally <c>kind</c> and <c>lang</c>): hit@3 on article ids, fact presence in the answer or its quotes, and refusals
/// of out-of-scope questions, overall, per kind and per language, then the misses.
/// </summary>
public static class EvalCommand
{
    public static async Task<int> RunAsync(string[] words, string[] configuration, Hosting.SettingsLocation location, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (words.Length == 0)
        {
            return await CommandLine.WriteUsage(error, CommandLine.UsageError, "eval needs at least one question file.");
        }

        var questions = new List<EvalQuestion>();
        foreach (var file in words)
        {
            questions.AddRange(await ReadQuestionsAsync(file, cancellationToken));
        }

        using var host = BubbleBotHost.CreateForCommands(configuration, location).Build();
        BubbleBotHost.ValidateBeforeStart(host.Services);
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

public sealed record EvalQuestion(string? Id, string? Lang, string Q, string[]? Gold, string[]? Facts, string? Expect, string? Kind = null)
{
    public bool ExpectsNoAnswer => string.Equals(Expect, "no_answer", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Hit@3, facts and refusals of one group of questions.</summary>
public sealed class EvalTally
{
    public int InScope { get; set; }

    public int Hits { get; set; }

    public int WithFacts { get; set; }

    public int FactsFound { get; set; }

    public int OutOfScope { get; set; }

    public int Refused { get; set; }

    public double HitAt3 => InScope == 0 ? 0 : (double)Hits / InScope;

    public override string ToString()
    {
        var parts = new List<string>();
        if (InScope > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"hit@3 {Hits}/{InScope} = {HitAt3:0.000}"));
        }

        if (WithFacts > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"facts {FactsFound}/{WithFacts} = {(double)FactsFound / WithFacts:0.000}"));
        }

        if (OutOfScope > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"refused {Refused}/{OutOfScope} = {(double)Refused / OutOfScope:0.000}"));
        }

        return string.Join(", ", parts);
    }
}

/// <summary>The tallies and misses of one evaluation run, overall, per kind and per language.</summary>
public sealed class EvalReport
{
    private readonly List<string> _misses = [];
    private readonly SortedDictionary<string, EvalTally> _byKind = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, EvalTally> _byLanguage = new(StringComparer.Ordinal);

    public EvalTally Total { get; } = new();

    public IReadOnlyList<string> Misses => _misses;

    public IReadOnlyDictionary<string, EvalTally> ByKind => _byKind;

    public IReadOnlyDictionary<string, EvalTally> ByLanguage => _byLanguage;

    public void Add(EvalQuestion question, Answer answer)
    {
        var tallies = new[]
        {
            Total,
            Group(_byKind, question.Kind ?? (question.ExpectsNoAnswer ? "out-of-scope" : "(no kind)")),
            Group(_byLanguage, question.Lang ?? "(no lang)"),
        };
        var id = question.Id ?? "?";
        var cited = answer.Citations.Select(c => c.DocId).Distinct().Take(3).ToList();
        if (question.ExpectsNoAnswer)
        {
            var refused = answer.NoAnswer && answer.Citations.Count == 0;
            foreach (var tally in tallies)
            {
                tally.OutOfScope++;
                tally.Refused += refused ? 1 : 0;
            }

            if (!refused)
            {
                _misses.Add($"{id} answered an out-of-scope question, citing [{string.Join(", ", cited)}]: {question.Q}");
            }

            return;
        }

        var gold = question.Gold ?? [];
        var hit = cited.Any(gold.Contains);
        foreach (var tally in tallies)
        {
            tally.InScope++;
            tally.Hits += hit ? 1 : 0;
        }

        if (!hit)
        {
            _misses.Add($"{id} hit@3 miss: cited [{string.Join(", ", cited)}], expected one of [{string.Join(", ", gold)}]: {question.Q}");
        }

        if (question.Facts is { Length: > 0 } facts)
        {
            var said = Normalize(answer.Text + string.Concat(answer.Citations.Select(c => c.Quote)));
            var found = facts.Any(f => said.Contains(Normalize(f), StringComparison.OrdinalIgnoreCase));
            foreach (var tally in tallies)
            {
                tally.WithFacts++;
                tally.FactsFound += found ? 1 : 0;
            }

            if (!found)
            {
                _misses.Add($"{id} fact miss: none of [{string.Join(", ", facts)}] in the answer: {question.Q}");
            }
        }
    }

    private static EvalTally Group(SortedDictionary<string, EvalTally> groups, string key)
    {
        if (!groups.TryGetValue(key, out var tally))
        {
            groups[key] = tally = new EvalTally();
        }

        return tally;
    }

    /// <summary>Facts are compared after folding Traditional to Simplified and removing whitespace.</summary>
    private static string Normalize(string text) => string.Concat(ScriptFolder.Fold(text).Where(c => !char.IsWhiteSpace(c)));

    public override string ToString()
    {
        var lines = new List<string> { $"total: {Total}" };
        lines.Add("per kind:");
        lines.AddRange(_byKind.Select(k => $"  {k.Key,-16} {k.Value}"));
        lines.Add("per language:");
        lines.AddRange(_byLanguage.Select(k => $"  {k.Key,-16} {k.Value}"));
        lines.Add(_misses.Count == 0 ? "misses: none" : "misses:");
        lines.AddRange(_misses.Select(m => "  " + m));
        return string.Join('\n', lines) + "\n";
    }
}
