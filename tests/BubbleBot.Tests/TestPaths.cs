namespace BubbleBot.Tests;

/// <summary>The answers quote the article in its own script; facts are compared folded, as eval does.</summary>
public static class ScriptFolderForTests
{
    public static string Fold(string text) => BubbleBot.Core.Text.ScriptFolder.Fold(text);
}
