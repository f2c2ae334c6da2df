using System.ComponentModel.DataAnnotations;

namespace BubbleBot.Core.Corpus;

/// <summary>Bound from the <c>Corpus</c> section.</summary>
public sealed class CorpusOptions
{
    public const string Section = "Corpus";

    /// <summary>
    /// Folder of article files (<c>Corpus:Path</c>). A relative path is resolved by
    /// <see cref="Configuration.DataPaths"/>: from the repository root in a checkout, else beside the settings file or
    /// in the working directory, else beside the program.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Corpus:Path must name the folder of article files.")]
    public string Path { get; set; } = "corpus";

    /// <summary>Reload when an article or the language data changes on disk (<c>Corpus:Watch</c>); SIGHUP reloads either way.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How long the files must be quiet before a reload starts (<c>Corpus:ReloadDelayMilliseconds</c>), so one save is one reload.</summary>
    [Range(0, 60_000, ErrorMessage = "Corpus:ReloadDelayMilliseconds must be between 0 and 60000.")]
    public int ReloadDelayMilliseconds { get; set; } = 500;

    /// <summary>
    /// Seconds between checks of the files for changes their events missed (<c>Corpus:PollSeconds</c>); 0 turns the
    /// check off and relies on file-system events alone.
    /// </summary>
    [Range(0, 3600, ErrorMessage = "Corpus:PollSeconds must be between 0 and 3600.")]
    public int PollSeconds { get; set; } = 5;
}
