namespace BubbleBot.Tests;

public static class TestPaths
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "corpus");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BubbleBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BubbleBot.sln not found above the test assembly.");
    }
}

/// <summary>The answers quote the article in its own script; facts are compared folded, as eval does.</summary>
public static class ScriptFolderForTests
{
    public static string Fold(string text) => BubbleBot.Core.Text.ScriptFolder.Fold(text);
}
