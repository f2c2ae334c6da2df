using System.Text.Json;
using BubbleBot.Cli;

namespace BubbleBot.Tests.Cli;

public sealed class CommandLineTests
{
    private static readonly string CorpusArg = $"--Corpus:Path={RepositoryPaths.Corpus}";

    [Fact]
    public async Task Ask_json_prints_one_object_with_the_contract_fields_and_nothing_else_on_stdout()
    {
        var run = await RunAsync(["ask", "--json", "为什么说AI是泡沫？", CorpusArg]);

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        var line = Assert.Single(run.StdoutLines);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("为什么说AI是泡沫？", root.GetProperty("question").GetString());
        Assert.False(root.GetProperty("no_answer").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("answer").GetString()));
        var citations = root.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        // At most three passages; one may give two quotes (a second sentence adding what the first lacks).
        Assert.InRange(citations.Select(c => c.GetProperty("doc_id").GetString()).Distinct().Count(), 1, 3);
        for (var i = 0; i < citations.Count; i++)
        {
            var citation = citations[i];
            Assert.Equal(i + 1, citation.GetProperty("n").GetInt32());
            var docId = citation.GetProperty("doc_id").GetString()!;
            var body = File.ReadAllText(Path.Combine(RepositoryPaths.Corpus, docId + ".md"));
            Assert.Contains(citation.GetProperty("quote").GetString()!, body.Replace("**", string.Empty, StringComparison.Ordinal));
            Assert.False(string.IsNullOrWhiteSpace(citation.GetProperty("title").GetString()));
            Assert.True(citation.GetProperty("url").ValueKind is JsonValueKind.String or JsonValueKind.Null);
        }

        Assert.Contains(citations, c => c.GetProperty("url").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Ask_json_stdin_answers_each_line_in_order_keeping_empty_lines_in_step()
    {
        var run = await RunAsync(["ask", "--json", "--stdin", CorpusArg], "蚂蚁集团2018年募资多少？\n\nWhat is a good recipe for pancakes?\n");

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        var objects = run.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, objects.Count);
        Assert.Equal("蚂蚁集团2018年募资多少？", objects[0].GetProperty("question").GetString());
        Assert.False(objects[0].GetProperty("no_answer").GetBoolean());
        Assert.True(objects[1].GetProperty("no_answer").GetBoolean());
        Assert.True(objects[2].GetProperty("no_answer").GetBoolean());
        Assert.Empty(objects[2].GetProperty("citations").EnumerateArray());
    }

    [Fact]
    public async Task Ask_prints_a_readable_answer_with_numbered_sources()
    {
        var run = await RunAsync(["ask", "OpenAI预计2025年的资金消耗是多少？", CorpusArg]);

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        Assert.Contains("[1]", run.Stdout);
        Assert.Contains("来源:", run.Stdout);
        Assert.Contains("https://www.163.com/dy/article/KJ9BQTH305568W0A.html", run.Stdout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \u0007 ")]
    public async Task An_empty_question_gets_the_usage_text_not_a_stack_trace(string question)
    {
        var run = await RunAsync(["ask", question, CorpusArg]);

        Assert.Equal(CommandLine.UsageError, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("Usage:", run.Stderr);
    }

    [Fact]
    public async Task An_over_long_question_is_cut_with_a_note_on_stderr_and_still_answered()
    {
        var question = "OpenAI 会耗尽资金吗？" + new string('啊', 2000);

        var run = await RunAsync(["ask", "--json", question, CorpusArg]);

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        Assert.Contains("1000", run.Stderr);
        using var json = JsonDocument.Parse(Assert.Single(run.StdoutLines));
        Assert.True(json.RootElement.GetProperty("question").GetString()!.Length <= 1000);
    }

    [Fact]
    public async Task A_wrong_setting_fails_at_start_with_one_line_naming_the_key()
    {
        var run = await RunAsync(["ask", "泡沫？", CorpusArg, "--Retrieval:MinCoverage=7"]);

        Assert.Equal(CommandLine.Failed, run.ExitCode);
        Assert.Contains("Retrieval:MinCoverage", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public async Task Two_articles_with_the_same_id_stop_the_start_naming_both_files()
    {
        var dir = Directory.CreateTempSubdirectory("bubblebot-dup-").FullName;
        try
        {
            const string article = "---\nid: same\ntitle: t\n---\n正文。";
            File.WriteAllText(Path.Combine(dir, "one.md"), article);
            File.WriteAllText(Path.Combine(dir, "two.md"), article);

            var run = await RunAsync(["ask", "泡沫？", $"--Corpus:Path={dir}"]);

            Assert.Equal(CommandLine.Failed, run.ExitCode);
            Assert.Contains("one.md", run.Stderr);
            Assert.Contains("two.md", run.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Eval_scores_hits_facts_and_refusals_and_lists_the_misses()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file,
            [
                """{"id":"a","q":"蚂蚁集团2018年募资多少？","gold":["openai-cash-runway"],"facts":["140亿"]}""",
                """{"id":"b","q":"蚂蚁集团2018年募资多少？","gold":["flywheel-paradox"],"facts":["不存在的事实"]}""",
                """{"id":"c","q":"How do I grow tomatoes on a balcony?","gold":[],"expect":"no_answer"}""",
            ]);

            var run = await RunAsync(["eval", file, CorpusArg]);

            Assert.Equal(CommandLine.Ok, run.ExitCode);
            Assert.Contains("total: hit@3 1/2 = 0.500, facts 1/2 = 0.500, refused 1/1 = 1.000", run.Stdout);
            Assert.Contains("b hit@3 miss", run.Stdout);
            Assert.Contains("b fact miss", run.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Unknown_commands_get_the_usage_text_and_a_non_zero_exit()
    {
        var run = await RunAsync(["frobnicate"]);

        Assert.Equal(CommandLine.UsageError, run.ExitCode);
        Assert.Contains("Unknown command 'frobnicate'", run.Stderr);
    }

    [Fact]
    public async Task Without_a_platform_the_bot_opens_a_console_chat_that_ends_at_end_of_input()
    {
        var run = await RunAsync([CorpusArg], "哈萨比斯怎么看私募市场的泡沫？\n");

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        Assert.Contains("BubbleBot", run.Stdout);
        Assert.Contains("种子轮", ScriptFolderForTests.Fold(run.Stdout));
        Assert.Contains("https://www.technologyreview.com/", run.Stdout);
    }

    [Fact]
    public async Task Ask_conversation_reads_each_line_as_a_follow_up_of_the_lines_before()
    {
        const string script = "马拉比认为OpenAI多久会耗尽资金？\n为什么？\nWho is Michael Burry?\nwhat did he compare it to?\n";

        var alone = await RunAsync(["ask", "--json", "--stdin", CorpusArg], script);
        var conversation = await RunAsync(["ask", "--json", "--stdin", "--conversation", CorpusArg], script);

        var aloneAnswers = alone.StdoutLines.Select(l => JsonDocument.Parse(l)).ToList();
        var answers = conversation.StdoutLines.Select(l => JsonDocument.Parse(l)).ToList();
        Assert.Equal(4, answers.Count);
        Assert.True(aloneAnswers[1].RootElement.GetProperty("no_answer").GetBoolean(), "\"为什么？\" on its own has nothing to answer");
        Assert.Contains(answers[1].RootElement.GetProperty("citations").EnumerateArray(), c => c.GetProperty("doc_id").GetString() == "openai-cash-runway");
        var comparison = answers[3].RootElement;
        Assert.False(comparison.GetProperty("no_answer").GetBoolean());
        Assert.Contains(comparison.GetProperty("citations").EnumerateArray(), c => c.GetProperty("quote").GetString()!.Contains("互聯網泡沫", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sides_answers_with_both_stances_from_several_articles()
    {
        var run = await RunAsync(["sides", "--json", CorpusArg]);

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(Assert.Single(run.StdoutLines));
        var citations = json.RootElement.GetProperty("citations").EnumerateArray().ToList();
        var stances = citations.Select(c => c.TryGetProperty("stance", out var stance) ? stance.GetString() : null).ToHashSet();
        Assert.Contains("bubble", stances);
        Assert.Contains("not-bubble", stances);
        Assert.True(citations.Select(c => c.GetProperty("doc_id").GetString()).Distinct().Count() >= 3);
    }

    private static async Task<CliRun> RunAsync(string[] args, string stdin = "")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(args, new StringReader(stdin), output, error, CancellationToken.None);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    private sealed record CliRun(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
