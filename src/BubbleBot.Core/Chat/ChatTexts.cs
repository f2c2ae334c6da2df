using BubbleBot.Core.Answering;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Chat;

/// <summary>
/// Chat wording and mappings every adapter shares, written once here rather than once per platform: the apology for a
/// failed answer, the hand-over line of an escalation, and a client locale's answer language.
/// </summary>
public static class ChatTexts
{
    /// <summary>
    /// The reply when answering failed (an error, or shutdown cut it short). <see cref="AnswerLabels"/> has no label
    /// for it, and the question's language may be what failed, so it is one short bilingual line: English, then Chinese
    /// in the asker's script.
    /// </summary>
    public static string ApologyFor(string question) =>
        "Sorry, something went wrong while answering; please try again later. / " + LanguageDetector.Detect(QuestionSanitizer.Sanitize(question).Text) switch
        {
            AnswerLanguage.TraditionalChinese => "抱歉，回答時出錯了，請稍後再試。",
            _ => "抱歉，回答时出错了，请稍后再试。",
        };

    /// <summary>The line that hands a question the bot could not answer to people: <paramref name="mention"/> is the platform's mention.</summary>
    public static string Escalation(AnswerLanguage language, string mention) => language switch
    {
        AnswerLanguage.SimplifiedChinese => $"{mention} 也许能帮上忙。",
        AnswerLanguage.TraditionalChinese => $"{mention} 也許能幫上忙。",
        _ => $"{mention} may be able to help.",
    };

    /// <summary>
    /// The answer language of a client locale or language code (Telegram's <c>language_code</c> such as "zh-hans",
    /// Discord's locale such as "zh-TW"), for replies that carry no question to detect it from.
    /// </summary>
    public static AnswerLanguage LanguageOfLocale(string? locale) => locale?.ToLowerInvariant() switch
    {
        "zh-hant" or "zh-tw" or "zh-hk" or "zh-mo" => AnswerLanguage.TraditionalChinese,
        { } code when code.StartsWith("zh", StringComparison.Ordinal) => AnswerLanguage.SimplifiedChinese,
        _ => AnswerLanguage.English,
    };
}
