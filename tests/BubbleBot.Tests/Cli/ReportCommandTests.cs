using System.Text.Json;
using BubbleBot.Cli;
using BubbleBot.Core.Feedback;

namespace BubbleBot.Tests.Cli;

/// <summary><c>report</c> over a real SQLite feedback file, as a bot run leaves it.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private static readonly string CorpusArg = $"--Corpus:Path={RepositoryPaths.Corpus}";
    private readonly string _folder = Directory.CreateTempSubdirectory("bubblebot-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Json_report_lists_the_refused_question_and_the_down_voted_answer_with_its_quote()
    {
        await SeedAsync();

        var run = await RunAsync(["report", "--json", "--since", "7d", CorpusArg, $"--Storage:DataPath={_folder}"]);

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("questions").GetInt32());
        var refused = root.GetProperty("refused").EnumerateArray().ToList();
        Assert.Equal(2, refused[0].GetProperty("count").GetInt32());
        Assert.Equal("Who is Jensen Huang?", refused[0].GetProperty("example").GetString());
        var down = Assert.Single(root.GetProperty("down_voted").EnumerateArray());
        Assert.Equal("Is OpenAI a bubble?", down.GetProperty("question").GetString());
        Assert.Equal("a quote that missed", down.GetProperty("quotes")[0].GetProperty("quote").GetString());
        Assert.Equal("what-is-the-ai-bubble", Assert.Single(root.GetProperty("most_cited").EnumerateArray()).GetProperty("doc_id").GetString());
        var never = root.GetProperty("never_cited").EnumerateArray().Select(a => a.GetProperty("doc_id").GetString()).ToList();
        Assert.Contains("flywheel-paradox", never);
        Assert.DoesNotContain("what-is-the-ai-bubble", never);
        Assert.Contains(root.GetProperty("languages").EnumerateArray(), l => l.GetProperty("language").GetString() == "English");
    }

    [Fact]
    public async Task Text_report_shows_the_same_and_an_older_question_is_outside_a_short_period()
    {
        await SeedAsync();

        var week = await RunAsync(["report", CorpusArg, $"--Storage:DataPath={_folder}"]);
        var hour = await RunAsync(["report", "--since", "1h", CorpusArg, $"--Storage:DataPath={_folder}"]);

        Assert.Equal(CommandLine.Ok, week.ExitCode);
        Assert.Contains("2 × Who is Jensen Huang?", week.Stdout, StringComparison.Ordinal);
        Assert.Contains("a quote that missed", week.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Jensen", hour.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--since", "soon")]
    [InlineData("--verbose", "")]
    public async Task Wrong_options_are_usage_errors(string option, string value)
    {
        var run = await RunAsync(["report", option, .. value.Length > 0 ? new[] { value } : [], CorpusArg]);

        Assert.Equal(CommandLine.UsageError, run.ExitCode);
    }

    [Fact]
    public async Task Without_a_data_path_the_report_says_there_is_nothing_kept()
    {
        var run = await RunAsync(["report", CorpusArg]);

        Assert.Equal(CommandLine.Failed, run.ExitCode);
        Assert.Contains("Storage:DataPath", run.Stderr, StringComparison.Ordinal);
    }

    private async Task SeedAsync()
    {
        var store = new SqliteFeedbackStore(Path.Combine(_folder, FeedbackOptions.FileName));
        await store.InitializeAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await store.WriteAsync(
        [
            new("r1", now.AddHours(-3), "telegram", "1", FeedbackUser.Hash("telegram:1"), "English", "Who is Jensen Huang?", AnswerKind.AbsentSubject, []),
            new("r2", now.AddHours(-2), "discord", "2", FeedbackUser.Hash("discord:2"), "English", "who is jensen huang", AnswerKind.Refused, []),
            new("a1", now.AddMinutes(-10), "telegram", "1", FeedbackUser.Hash("telegram:1"), "English", "Is OpenAI a bubble?", AnswerKind.Answered,
                [new CitedPassage(1, "what-is-the-ai-bubble", "a quote that missed")]),
            new("a2", now.AddMinutes(-5), "telegram", "1", FeedbackUser.Hash("telegram:1"), "SimplifiedChinese", "为什么说AI是泡沫？", AnswerKind.Answered, []),
        ],
        [new VoteRecord("a1", FeedbackUser.Hash("telegram:1"), -1, now), new VoteRecord("a2", FeedbackUser.Hash("telegram:1"), 1, now)],
        CancellationToken.None);
    }

    private static async Task<CliRun> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(args, new StringReader(string.Empty), output, error, CancellationToken.None);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    private sealed record CliRun(int ExitCode, string Stdout, string Stderr);
}
