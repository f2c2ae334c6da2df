namespace BubbleBot.Core.Text;

/// <summary>The language and script the asker used; framing text follows it, quotes stay in the original.</summary>
public enum AnswerLanguage
{
    English,
    SimplifiedChinese,
    TraditionalChinese,
}
