using BubbleBot.Core.Feedback;

namespace BubbleBot.Discord.Messages;

/// <summary>The 👍 / 👎 buttons on an answer; the custom id ("vote:&lt;answer id&gt;:+") names the answer and the vote.</summary>
internal static class VoteButtons
{
    private const string Prefix = "vote:";

    public static IReadOnlyList<ActionRow> For(string answerId, VoteCounts? counts = null) =>
    [
        new ActionRow(
        [
            new Button(counts is null ? "👍" : $"👍 {counts.Up}", $"{Prefix}{answerId}:+"),
            new Button(counts is null ? "👎" : $"👎 {counts.Down}", $"{Prefix}{answerId}:-"),
        ]),
    ];

    /// <summary>Reads a vote button's custom id; false for anything else.</summary>
    public static bool TryParse(string? customId, out string answerId, out int value)
    {
        answerId = string.Empty;
        value = 0;
        if (customId is null || !customId.StartsWith(Prefix, StringComparison.Ordinal) || customId.Length != Prefix.Length + 18 || customId[^2] != ':')
        {
            return false;
        }

        answerId = customId[Prefix.Length..^2];
        value = customId[^1] switch { '+' => 1, '-' => -1, _ => 0 };
        return value != 0 && FeedbackRecorder.IsAnswerId(answerId);
    }
}
