
namespace BubbleBot.Core.Text;

/// <summary>Tells English, Simplified and Traditional Chinese (Cantonese included) apart, to frame replies in the asker's script.</summary>
public static class LanguageDetector
{
    // Characters that mark written Cantonese, which is written in Traditional script.
    private const string CantoneseMarkers = "嘅唔咩喺佢冇啲哋俾嘢咗嗰乜噉咁睇";

    public static AnswerLanguage Detect(string text) => Detect(text, ScriptTables.Default);

    public static AnswerLanguage Detect(string text, ScriptTables tables)
    {
        int han = 0, traditional = 0, simplified = 0, latinLetters = 0, cantonese = 0;
        foreach (var c in text)
        {
            if (IsHan(c))
            {
                han++;
                if (tables.IsTraditionalOnly(c))
                {
                    traditional++;
                }
                else if (tables.IsSimplifiedOnly(c))
                {
                    simplified++;
                }

                if (CantoneseMarkers.Contains(c))
                {
                    cantonese++;
                }
            }
            else if (char.IsAsciiLetter(c))
            {
                latinLetters++;
            }
        }

        // A couple of Chinese characters in an English sentence (a name, a quoted term) do not make it Chinese.
        if (han == 0 || (han < 3 && latinLetters > han * 4))
        {
            return AnswerLanguage.English;
        }

        return traditional > simplified || (cantonese > 0 && traditional >= simplified)
            ? AnswerLanguage.TraditionalChinese
            : AnswerLanguage.SimplifiedChinese;
    }

    public static bool IsHan(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';
}
