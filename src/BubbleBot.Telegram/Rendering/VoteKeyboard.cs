using BubbleBot.Core.Feedback;
using BubbleBot.Core.Text;
using Telegram.Bot.Types.ReplyMarkups;

namespace BubbleBot.Telegram.Rendering;

/// <summary>
/// The 👍 / 👎 buttons under an answer. The callback data ("v:&lt;answer id&gt;:+") stays well inside Telegram's
/// 64 bytes; after a vote the buttons show the answer's counts, so the voter sees the vote was counted.
/// </summary>
internal static class VoteKeyboard
{
    private const string Prefix = "v:";

    public static InlineKeyboardMarkup For(string answerId, VoteCounts? counts = null) => new(
    [
        [
            InlineKeyboardButton.WithCallbackData(counts is null ? "👍" : $"👍 {counts.Up}", $"{Prefix}{answerId}:+"),
            InlineKeyboardButton.WithCallbackData(counts is null ? "👎" : $"👎 {counts.Down}", $"{Prefix}{answerId}:-"),
        ],
    ]);

    /// <summary>Reads a vote button's data; false for anything else (another keyboard, or data a client made up).</summary>
    public static bool TryParse(string? data, out string answerId, out int value)
    {
        answerId = string.Empty;
        value = 0;
        if (data is null || !data.StartsWith(Prefix, StringComparison.Ordinal) || data.Length != Prefix.Length + 18 || data[^2] != ':')
        {
            return false;
        }

        answerId = data[Prefix.Length..^2];
        value = data[^1] switch { '+' => 1, '-' => -1, _ => 0 };
        return value != 0 && FeedbackRecorder.IsAnswerId(answerId);
    }

    /// <summary>The short toast Telegram shows the voter.</summary>
    public static string Thanks(AnswerLanguage language) => language switch
    {
        AnswerLanguage.SimplifiedChinese => "谢谢，已记录你的评价。",
        AnswerLanguage.TraditionalChinese => "謝謝，已記錄你的評價。",
        _ => "Thanks, your vote was counted.",
    };
}
