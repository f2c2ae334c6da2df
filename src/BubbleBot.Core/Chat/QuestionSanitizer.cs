using System.Globalization;
using System.Text;

namespace BubbleBot.Core.Chat;

/// <summary>A question after cleaning: what is safe to retrieve with, and whether it had to be cut.</summary>
public readonly record struct SanitizedQuestion(string Text, bool WasTruncated)
{
    public bool IsEmpty => Text.Length == 0;
}

/// <summary>Removes control characters, collapses whitespace and cuts over-long questions, never splitting a surrogate pair.</summary>
public static class QuestionSanitizer
{
    public const int MaxLength = 1000;

    public static SanitizedQuestion Sanitize(string? raw, int maxLength = MaxLength)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new SanitizedQuestion(string.Empty, false);
        }

        var builder = new StringBuilder(Math.Min(raw.Length, maxLength + 16));
        var pendingSpace = false;
        foreach (var rune in raw.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            // Control and format characters (including bidi overrides and zero-width joiners) carry no meaning in a question.
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(rune.ToString());
        }

        var text = builder.ToString();
        if (text.Length <= maxLength)
        {
            return new SanitizedQuestion(text, false);
        }

        var cut = maxLength;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return new SanitizedQuestion(text[..cut].TrimEnd(), true);
    }
}
