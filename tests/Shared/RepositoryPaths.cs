namespace BubbleBot.Testing;

/// <summary>
/// Where the repository's real corpus is, for tests that run the real core over it. Compiled into every test
/// project (Directory.Build.props), so each finds the same folder the same way.
/// </summary>
public static class RepositoryPaths
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

        throw new InvalidOperationException("BubbleBot.sln not found above " + AppContext.BaseDirectory);
    }
}
