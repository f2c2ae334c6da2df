using System.Text.RegularExpressions;

namespace BubbleBot.Core.Chat;

/// <summary>
/// Whether a chat message reads as a question, for channels where the bot answers without being addressed: it ends in
/// or contains a question mark, opens with an English question word, or carries a Chinese question word or particle.
/// Small talk ("thanks", "好的") is left alone.
/// </summary>
public static partial class QuestionLike
{
    public static bool Is(string text)
    {
        var clean = QuestionSanitizer.Sanitize(text);
        if (clean.IsEmpty)
        {
            return false;
        }

        var t = clean.Text.Trim();
        return t.Contains('?') || t.Contains('？') || EnglishOpening().IsMatch(t) || ChineseCue().IsMatch(t);
    }

    [GeneratedRegex(@"^(who|whom|whose|what|when|where|why|which|how|is|are|was|were|do|does|did|can|could|will|would|should|has|have|had)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EnglishOpening();

    [GeneratedRegex("吗|嗎|呢$|什么|什麼|为什么|為什麼|为何|為何|怎么|怎麼|怎样|怎樣|如何|多少|几时|幾時|谁|誰|哪|是否|乜|點解|咩|边个|邊個|幾多")]
    private static partial Regex ChineseCue();
}
