using System.ComponentModel.DataAnnotations;

namespace BubbleBot.Core.Corpus;

/// <summary>Bound from the <c>Corpus</c> section.</summary>
public sealed class CorpusOptions
{
    public const string Section = "Corpus";

    /// <summary>
    /// Folder of article files (<c>Corpus:Path</c>). A relative path is looked up from the working directory
    /// first, then next to the program, which holds a copy of the repository's corpus.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Corpus:Path must name the folder of article files.")]
    public string Path { get; set; } = "corpus";

    public string ResolvePath()
    {
        if (System.IO.Path.IsPathRooted(Path))
        {
            return Path;
        }

        var fromWorkingDirectory = System.IO.Path.GetFullPath(Path);
        return Directory.Exists(fromWorkingDirectory)
            ? fromWorkingDirectory
            : System.IO.Path.Combine(AppContext.BaseDirectory, Path);
    }
}
