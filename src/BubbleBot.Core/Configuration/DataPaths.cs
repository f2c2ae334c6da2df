namespace BubbleBot.Core.Configuration;

/// <summary>
/// The one rule for every relative path the bot reads or writes (<c>Corpus:Path</c>, <c>data/</c>, prompts,
/// <c>Storage:DataPath</c>): relative to the <see cref="BaseFolder"/> (the repository root in a checkout, the settings
/// file's folder when one was named, else the working directory), falling back to the program's folder for the data
/// shipped with a published build. Build output never holds a corpus, so a stale copy cannot be picked up.
/// </summary>
public sealed class DataPaths
{
    /// <summary>The file that marks the root of a checkout of this repository.</summary>
    public const string CheckoutMarker = "BubbleBot.sln";

    public DataPaths(string baseFolder, string programFolder)
    {
        BaseFolder = Path.GetFullPath(baseFolder);
        ProgramFolder = Path.GetFullPath(programFolder);
    }

    /// <summary>Where relative paths (and <c>appsettings.json</c>, unless one is named) are looked up first.</summary>
    public string BaseFolder { get; }

    /// <summary>The program's own folder, which holds the data files a published build ships (data/, prompts/, corpus/).</summary>
    public string ProgramFolder { get; }

    /// <summary>
    /// The paths of this process: beside <paramref name="settingsFile"/> when one was named, else the checkout the
    /// program was built in, else the working directory.
    /// </summary>
    public static DataPaths ForProgram(string? settingsFile = null)
    {
        var program = AppContext.BaseDirectory;
        var baseFolder = settingsFile is not null
            ? Path.GetDirectoryName(Path.GetFullPath(settingsFile))!
            : FindCheckout(program) ?? Directory.GetCurrentDirectory();
        return new DataPaths(baseFolder, program);
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds <see cref="CheckoutMarker"/>, or null.</summary>
    public static string? FindCheckout(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, CheckoutMarker)))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// An absolute path as given; a relative one from the base folder if it exists there, else from the program's
    /// folder if it exists there, else the base-folder path (so an error names the place it was expected).
    /// </summary>
    public string Resolve(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return Path.GetFullPath(path);
        }

        var fromBase = Path.GetFullPath(Path.Combine(BaseFolder, path));
        if (File.Exists(fromBase) || Directory.Exists(fromBase))
        {
            return fromBase;
        }

        var fromProgram = Path.GetFullPath(Path.Combine(ProgramFolder, path));
        return File.Exists(fromProgram) || Directory.Exists(fromProgram) ? fromProgram : fromBase;
    }

    /// <summary>A folder the bot writes to (storage): always under the base folder when relative, never beside the program.</summary>
    public string ResolveWritable(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(BaseFolder, path));
}
