using System.ComponentModel.DataAnnotations;

namespace BubbleBot.Core.Feedback;

/// <summary>Bound from the <c>Feedback</c> section: what the bot keeps of questions, answers and votes.</summary>
public sealed class FeedbackOptions
{
    public const string Section = "Feedback";

    /// <summary>Name of the SQLite file under <c>Storage:DataPath</c>.</summary>
    public const string FileName = "feedback.db";

    /// <summary>Record questions, answers and votes at all (<c>Feedback:Enabled</c>); off, vote buttons are not shown either.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Records older than this many days are deleted (<c>Feedback:RetentionDays</c>): at start, then at most daily with the writes.</summary>
    [Range(1, 3650, ErrorMessage = "Feedback:RetentionDays must be between 1 and 3650.")]
    public int RetentionDays { get; set; } = 90;
}
