using BubbleBot.Cli;

namespace BubbleBot.Tests.Cli;

public sealed class AskInputTests
{
    [Fact]
    public async Task Lines_end_at_newline_and_a_bare_carriage_return_does_not_split_a_question()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"q{i}\r\n" : i % 3 == 1 ? $"q{i} a\rb\n" : $"q{i}\n"));
        var lines = new List<string>();
        await foreach (var line in AskCommand.ReadLinesAsync(new StringReader(text), CancellationToken.None))
        {
            lines.Add(line);
        }

        Assert.Equal(200, lines.Count);
        Assert.Equal("q0", lines[0]);
        Assert.Equal("q1 a\rb", lines[1]);
    }
}
