using System.Globalization;
using System.Text;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Feedback;

/// <summary>Questions of one wording family that the bot refused, with how often they came.</summary>
public sealed record QuestionGroup(string Example, int Count, IReadOnlyList<string> Wordings);

/// <summary>An answer voted down (more downs than ups), with its quotes.</summary>
public sealed record DownVotedAnswer(string AnswerId, string Question, int Down, int Up, IReadOnlyList<CitedPassage> Quotes);

public sealed record ArticleCount(string DocId, string Title, int Citations);

public sealed record LanguageVolume(string Language, int Questions, int Refused);

/// <summary>What the operator reads: where the bot fails and what it leans on, over a period.</summary>
public sealed record FeedbackReport(
    DateTimeOffset Since,
    DateTimeOffset Until,
    int Questions,
    IReadOnlyList<QuestionGroup> Refused,
    IReadOnlyList<DownVotedAnswer> DownVoted,
    IReadOnlyList<ArticleCount> MostCited,
    IReadOnlyList<ArticleCount> NeverCited,
    IReadOnlyList<LanguageVolume> Languages)
{
    private const double SimilarWording = 0.5;

    public static FeedbackReport Build(FeedbackData data, IReadOnlyList<Article> articles, DateTimeOffset since, DateTimeOffset until)
    {
        var questions = data.Questions.Where(q => q.At >= since && q.At <= until).ToList();
        var refused = Group(questions.Where(q => q.Kind is AnswerKind.Refused or AnswerKind.AbsentSubject).Select(q => q.Text));

        var votes = data.Votes.GroupBy(v => v.AnswerId).ToDictionary(g => g.Key, g => (Up: g.Count(v => v.Value > 0), Down: g.Count(v => v.Value < 0)), StringComparer.Ordinal);
        var downVoted = questions
            .Where(q => votes.TryGetValue(q.Id, out var c) && c.Down > c.Up)
            .Select(q => new DownVotedAnswer(q.Id, q.Text, votes[q.Id].Down, votes[q.Id].Up, q.Citations))
            .OrderByDescending(d => d.Down - d.Up).ThenBy(d => d.Question, StringComparer.Ordinal)
            .ToList();

        var titles = articles.ToDictionary(a => a.Id, a => a.Title, StringComparer.Ordinal);
        var cited = questions.SelectMany(q => q.Citations.Select(c => c.DocId).Distinct())
            .GroupBy(id => id, StringComparer.Ordinal)
            .Select(g => new ArticleCount(g.Key, titles.GetValueOrDefault(g.Key, g.Key), g.Count()))
            .OrderByDescending(a => a.Citations).ThenBy(a => a.DocId, StringComparer.Ordinal)
            .ToList();
        var citedIds = cited.Select(c => c.DocId).ToHashSet(StringComparer.Ordinal);
        var never = articles.Where(a => !citedIds.Contains(a.Id)).Select(a => new ArticleCount(a.Id, a.Title, 0)).ToList();

        var languages = questions.GroupBy(q => q.Language, StringComparer.Ordinal)
            .Select(g => new LanguageVolume(g.Key, g.Count(), g.Count(q => q.Kind is AnswerKind.Refused or AnswerKind.AbsentSubject)))
            .OrderByDescending(l => l.Questions).ThenBy(l => l.Language, StringComparer.Ordinal)
            .ToList();

        return new FeedbackReport(since, until, questions.Count, refused, downVoted, [.. cited.Take(10)], never, languages);
    }

    /// <summary>
    /// Groups wordings whose character bigrams (after folding script, case, spaces and punctuation) overlap by at least
    /// half: "Who is Sam Altman?" and "who's sam altman" fall together, as do 简体 and 繁體 forms of one question.
    /// </summary>
    internal static IReadOnlyList<QuestionGroup> Group(IEnumerable<string> texts)
    {
        var groups = new List<(HashSet<string> Shape, List<string> Wordings)>();
        foreach (var text in texts)
        {
            var shape = Shape(text);
            var home = groups.FirstOrDefault(g => Similarity(g.Shape, shape) >= SimilarWording);
            if (home.Wordings is null)
            {
                groups.Add((shape, [text]));
            }
            else
            {
                home.Wordings.Add(text);
            }
        }

        return [.. groups
            .Select(g => new QuestionGroup(
                g.Wordings.GroupBy(w => w, StringComparer.Ordinal).OrderByDescending(w => w.Count()).First().Key,
                g.Wordings.Count,
                [.. g.Wordings.Distinct(StringComparer.Ordinal)]))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Example, StringComparer.Ordinal)];
    }

    private static HashSet<string> Shape(string text)
    {
        var folded = new string([.. ScriptFolder.Fold(text).ToLowerInvariant().Where(char.IsLetterOrDigit)]);
        var bigrams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < folded.Length; i++)
        {
            bigrams.Add(folded.Substring(i, 2));
        }

        if (bigrams.Count == 0 && folded.Length > 0)
        {
            bigrams.Add(folded);
        }

        return bigrams;
    }

    private static double Similarity(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return a.Count == b.Count ? 1 : 0;
        }

        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    /// <summary>The report as plain text for a terminal or a chat message.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Feedback report {Since:yyyy-MM-dd HH:mm} to {Until:yyyy-MM-dd HH:mm} UTC: {Questions} questions");
        text.AppendLine();
        text.AppendLine(c, $"Refused questions ({Refused.Sum(g => g.Count)}):");
        Lines(text, Refused.Select(g => $"{g.Count} × {g.Example}" + (g.Wordings.Count > 1 ? $" (+{g.Wordings.Count - 1} similar wordings)" : string.Empty)));
        text.AppendLine(c, $"Answers voted down ({DownVoted.Count}):");
        foreach (var answer in DownVoted)
        {
            text.AppendLine(c, $"  👎 {answer.Down} 👍 {answer.Up}  {answer.Question}");
            foreach (var quote in answer.Quotes)
            {
                text.AppendLine(c, $"      [{quote.N}] {quote.DocId}: {quote.Quote}");
            }
        }

        if (DownVoted.Count == 0)
        {
            text.AppendLine("  (none)");
        }

        text.AppendLine("Most cited articles:");
        Lines(text, MostCited.Select(a => $"{a.Citations} × {a.DocId} ({a.Title})"));
        text.AppendLine("Never cited articles:");
        Lines(text, NeverCited.Select(a => $"{a.DocId} ({a.Title})"));
        text.AppendLine("Questions per language:");
        Lines(text, Languages.Select(l => $"{l.Language}: {l.Questions} ({l.Refused} refused)"));
        return text.ToString().TrimEnd();
    }

    private static void Lines(StringBuilder text, IEnumerable<string> lines)
    {
        var any = false;
        foreach (var line in lines)
        {
            text.Append("  ").AppendLine(line);
            any = true;
        }

        if (!any)
        {
            text.AppendLine("  (none)");
        }
    }

    /// <summary>"7d", "24h", "30m": the length of a report's period.</summary>
    public static bool TryParsePeriod(string value, out TimeSpan period)
    {
        period = default;
        if (value.Length < 2 || !int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        period = value[^1] switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            'm' => TimeSpan.FromMinutes(amount),
            _ => default,
        };
        return period > TimeSpan.Zero;
    }
}

/// <summary>Builds reports from the configured store and the live article list.</summary>
public sealed class FeedbackReporter(IFeedbackStore store, IArticleCatalog catalog, TimeProvider time, FeedbackRecorder? recorder = null)
{
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(10);

    public async Task<FeedbackReport> ReportAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        if (recorder is not null)
        {
            // What this process has queued belongs in the report too; a store too slow to take it is not waited for long.
            try
            {
                await recorder.FlushAsync(cancellationToken).WaitAsync(FlushLimit, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var until = time.GetUtcNow();
        var since = until - period;
        var data = await store.ReadAsync(since, cancellationToken).ConfigureAwait(false);
        return FeedbackReport.Build(data, catalog.Articles, since, until);
    }
}
