using BubbleBot.Core.Text;

namespace BubbleBot.Core.Answering;

/// <summary>The framing words of a reply in the asker's language and script. Quotes are never translated.</summary>
public sealed record AnswerLabels(
    string Intro,
    string Sources,
    string NoPublicLink,
    string NoAnswer,
    string CoveredTopics,
    string Truncated,
    string RateLimited,
    string Usage,
    string SourcesListIntro,
    string AbsentSubject,
    string NoAnswerOfThatKind,
    string Injection,
    string SidesIntro,
    string BubbleSide,
    string NotBubbleSide,
    string MixedSide,
    string NoArticleOnSide,
    string ArguedBy,
    string GistIntro)
{
    public static AnswerLabels English { get; } = new(
        Intro: "Here is what the articles say:",
        Sources: "Sources",
        NoPublicLink: "no public link",
        NoAnswer: "I couldn't find anything in my articles that answers this.",
        CoveredTopics: "I can answer questions about the AI-bubble debate covered by these articles:",
        Truncated: "(Your question was longer than 1,000 characters, so only the beginning was used.)",
        RateLimited: "You're asking faster than I can keep up with. Please wait a minute and ask again.",
        Usage: "Ask me a question about the AI-bubble debate, for example: \"Why do some people say AI is a bubble?\"",
        SourcesListIntro: "The articles I answer from:",
        AbsentSubject: "My articles don't mention {0}.",
        NoAnswerOfThatKind: "My articles touch on this, but they don't give the figure or date you asked for.",
        Injection: "I only answer questions about the AI-bubble debate, from my articles; I can't take on other instructions.",
        SidesIntro: "The articles argue both ways:",
        BubbleSide: "It is a bubble",
        NotBubbleSide: "It is not (only) a bubble",
        MixedSide: "Somewhere in between",
        NoArticleOnSide: "(no article argues this side)",
        ArguedBy: "Argued by: {0}",
        GistIntro: "The gist of {0}:");

    public static AnswerLabels Simplified { get; } = new(
        Intro: "文章里是这样说的：",
        Sources: "来源",
        NoPublicLink: "无公开链接",
        NoAnswer: "我的文章里没有能回答这个问题的内容。",
        CoveredTopics: "我可以回答这些文章所讨论的 AI 泡沫问题：",
        Truncated: "（你的问题超过 1000 个字符，只使用了开头部分。）",
        RateLimited: "你提问太快了，请稍等一分钟再问。",
        Usage: "请问一个关于 AI 泡沫之争的问题，例如：“为什么有人说 AI 是泡沫？”",
        SourcesListIntro: "我依据的文章：",
        AbsentSubject: "我的文章里没有提到{0}。",
        NoAnswerOfThatKind: "我的文章谈到了这件事，但没有给出你问的数字或时间。",
        Injection: "我只根据我的文章回答关于 AI 泡沫之争的问题，不能接受其他指令。",
        SidesIntro: "文章里两边的说法：",
        BubbleSide: "认为是泡沫",
        NotBubbleSide: "认为不是（只是）泡沫",
        MixedSide: "介于两者之间",
        NoArticleOnSide: "（没有文章持这一方的观点）",
        ArguedBy: "持此观点的文章：{0}",
        GistIntro: "{0}的要点：");

    public static AnswerLabels Traditional { get; } = new(
        Intro: "文章裡是這樣說的：",
        Sources: "來源",
        NoPublicLink: "無公開連結",
        NoAnswer: "我的文章裡沒有能回答這個問題的內容。",
        CoveredTopics: "我可以回答這些文章所討論的 AI 泡沫問題：",
        Truncated: "（你的問題超過 1000 個字元，只使用了開頭部分。）",
        RateLimited: "你提問太快了，請稍等一分鐘再問。",
        Usage: "請問一個關於 AI 泡沫之爭的問題，例如：「為什麼有人說 AI 是泡沫？」",
        SourcesListIntro: "我依據的文章：",
        AbsentSubject: "我的文章裡沒有提到{0}。",
        NoAnswerOfThatKind: "我的文章談到了這件事，但沒有給出你問的數字或時間。",
        Injection: "我只根據我的文章回答關於 AI 泡沫之爭的問題，不能接受其他指令。",
        SidesIntro: "文章裡兩邊的說法：",
        BubbleSide: "認為是泡沫",
        NotBubbleSide: "認為不是（只是）泡沫",
        MixedSide: "介於兩者之間",
        NoArticleOnSide: "（沒有文章持這一方的觀點）",
        ArguedBy: "持此觀點的文章：{0}",
        GistIntro: "{0}的要點：");

    public static AnswerLabels For(AnswerLanguage language) => language switch
    {
        AnswerLanguage.SimplifiedChinese => Simplified,
        AnswerLanguage.TraditionalChinese => Traditional,
        _ => English,
    };
}
