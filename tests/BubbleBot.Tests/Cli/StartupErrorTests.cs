using System.Diagnostics;
using BubbleBot.Cli;

namespace BubbleBot.Tests.Cli;

/// <summary>Every misconfiguration is one line on stderr naming the key or file, exit code 1, and no stack trace.</summary>
public sealed class StartupErrorTests : IDisposable
{
    private static readonly string CorpusArg = $"--Corpus:Path={RepositoryPaths.Corpus}";
    private readonly string _dir = Directory.CreateTempSubdirectory("bubblebot-settings-").FullName;

    [Theory]
    [InlineData("--Retrieval:MinCoverage=abc", "Retrieval:MinCoverage is 'abc'")]
    [InlineData("--Retrieval:MinCovrage=0.3", "did you mean Retrieval:MinCoverage?")]
    [InlineData("--RateLimit:PerUserPerMinute=-1", "RateLimit:PerUserPerMinute must be between 1 and 1000")]
    [InlineData("--LLM:Provider=Claude", "LLM:Provider is 'Claude' (from the command line), expected one of OpenAI, AzureOpenAI, OpenAICompatible")]
    [InlineData("--Telegram:PollingLimit=many", "Telegram:PollingLimit is 'many'")]
    [InlineData("--Retreival:MinCoverage=0.3", "did you mean 'Retrieval'?")]
    public async Task A_wrong_setting_is_one_line_naming_the_key_and_exit_1(string setting, string expected)
    {
        var run = await RunAsync(["ask", "泡沫？", CorpusArg, setting]);

        Assert.Equal(CommandLine.Failed, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task A_token_in_the_settings_file_is_refused_saying_where_it_belongs()
    {
        var file = Path.Combine(_dir, "appsettings.json");
        File.WriteAllText(file, """{ "Telegram": { "Token": "123456:ABCdef" } }""");

        var run = await RunAsync(["ask", "泡沫？", CorpusArg, "--config", file]);

        Assert.Equal(CommandLine.Failed, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("Telegram:Token", line);
        Assert.Contains("environment (Telegram__Token) or in user secrets", line);
        Assert.DoesNotContain("ABCdef", line);
    }

    [Fact]
    public async Task A_missing_or_broken_settings_file_is_one_line_naming_the_file()
    {
        var missing = await RunAsync(["ask", "泡沫？", "--config", Path.Combine(_dir, "nope.json")]);
        var brokenFile = Path.Combine(_dir, "broken.json");
        File.WriteAllText(brokenFile, "{ \"Corpus\": ");
        var broken = await RunAsync(["ask", "泡沫？", $"--config={brokenFile}"]);

        Assert.Equal(CommandLine.Failed, missing.ExitCode);
        Assert.Contains("nope.json", Assert.Single(missing.StderrLines));
        Assert.Equal(CommandLine.Failed, broken.ExitCode);
        Assert.Contains("broken.json' is not valid JSON", Assert.Single(broken.StderrLines));
    }

    [Fact]
    public async Task An_empty_corpus_folder_is_a_start_up_error()
    {
        var run = await RunAsync(["ask", "泡沫？", $"--Corpus:Path={_dir}"]);

        Assert.Equal(CommandLine.Failed, run.ExitCode);
        Assert.Contains("holds no valid article", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Relative_paths_in_a_named_settings_file_are_resolved_beside_it()
    {
        var corpus = Directory.CreateDirectory(Path.Combine(_dir, "articles")).FullName;
        File.Copy(Path.Combine(RepositoryPaths.Corpus, "openai-cash-runway.md"), Path.Combine(corpus, "openai-cash-runway.md"));
        var file = Path.Combine(_dir, "appsettings.json");
        File.WriteAllText(file, """{ "Corpus": { "Path": "articles" } }""");

        var run = await RunAsync(["reindex", "--config", file]);

        Assert.Equal(CommandLine.Ok, run.ExitCode);
        Assert.Contains("indexed: 1 articles", run.Stdout);
    }

    /// <summary>The real program, started from a folder outside the checkout, as an operator would.</summary>
    [Fact]
    public async Task The_program_started_from_another_folder_finds_the_checkouts_corpus_and_errors_stay_one_line()
    {
        var ok = await RunProcessAsync(_dir, "ask", "--json", "OpenAI预计2025年的资金消耗是多少？");
        var bad = await RunProcessAsync(_dir, "ask", "泡沫？", "--Retrieval:MinCoverage=abc");

        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("openai-cash-runway", ok.Stdout);
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("error: Retrieval:MinCoverage is 'abc' (from the command line), expected a number (e.g. 0.4).", bad.Stderr.Trim());
        Assert.DoesNotContain("   at ", bad.Stderr);
    }

    private static async Task<CliRun> RunProcessAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BubbleBot.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<CliRun> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(args, new StringReader(string.Empty), output, error, CancellationToken.None);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record CliRun(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
