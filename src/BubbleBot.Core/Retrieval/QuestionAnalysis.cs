using BubbleBot.Core.Text;

namespace BubbleBot.Core.Retrieval;

/// <summary>What kind of answer a question wants; later steps prefer sentences that can give it.</summary>
[Flags]
public enum AnswerType
{
    Unknown = 0,
    Amount = 1,
    Person = 2,
    Time = 4,
    Place = 8,
    Reason = 16,
    YesNo = 32,
    List = 64,
    Summary = 128,

    /// <summary>What something is compared to ("他把它比作什么？", "what did he compare it to?").</summary>
    Comparison = 256,

    /// <summary>How someone replied to what was said ("谁反驳了他？", "who pushed back?"): in a transcript, the next speaker's turn.</summary>
    Reply = 512,

    /// <summary>How long ("多久", "几耐", "how long"): a span of months or years, not a date.</summary>
    Duration = 1024,
}

/// <summary>The part of the article it names that a question asks about ("直播一开头", "篇 blog 最尾").</summary>
public enum ArticlePart
{
    Anywhere,
    Opening,
    Ending,
}

/// <summary>What the asker wants from the bot, beyond a passage that answers.</summary>
public enum QuestionIntent
{
    /// <summary>An ordinary question, answered from the passages that cover it.</summary>
    Ask,

    /// <summary>Both sides of the debate: answered from the articles' claims, grouped by stance.</summary>
    Sides,

    /// <summary>An attempt to change the bot's instructions: refused.</summary>
    Injection,
}

/// <summary>
/// A question analysed once: its language, what it asks for, the articles it names and its content units.
/// Retrieval, the relevance decision and quoting all read this instead of looking at the text again.
/// </summary>
public sealed record QuestionAnalysis(
    string Text,
    AnswerLanguage Language,
    QuestionIntent Intent,
    AnswerType AnswerType,
    IReadOnlyList<string> NamedArticleIds,
    IReadOnlyList<string> AbsentSubjects,
    bool IsFollowUp)
{
    internal QueryPlan Plan { get; init; } = QueryPlan.Empty;

    /// <summary>
    /// What an amount question measures, when it names it beside the question word ("回报率是百分之多少" → 回报率), one
    /// per amount asked: a figure answers only beside one of them.
    /// </summary>
    internal IReadOnlyList<QueryUnit> Measures { get; init; } = [];

    /// <summary>True when <paramref name="terms"/> hold what the question measures, or it names nothing to measure.</summary>
    internal bool HoldsAMeasure(IReadOnlySet<string> terms) => Measures.Count == 0 || Measures.Any(m => m.CreditFrom(terms) > 0);

    /// <summary>
    /// A follow-up with no words of its own that asks for another kind of answer about the same thing ("为什么？" after
    /// "多久会耗尽资金？"): the sentences of that kind matter more than covering the previous question again.
    /// </summary>
    public bool AsksOnlyAnotherKindOfAnswer { get; init; }

    /// <summary>
    /// True when the question names its article only by its author, whom the text never mentions, and does not ask what
    /// they wrote or think: "Tony Lee 係邊度人？" is about the person, which the blog post does not say.
    /// </summary>
    public bool AsksAboutItsAuthor { get; init; }

    /// <summary>
    /// True when what is asked is about a day after the articles were written ("英伟达今天收市价几多？"): a figure, a
    /// date or a yes or no for that day is one they cannot report.
    /// </summary>
    public bool AsksAboutALaterDay { get; init; }

    /// <summary>Where in the article it names the question asks about; <see cref="ArticlePart.Anywhere"/> when it names none.</summary>
    public ArticlePart Part { get; init; }

    /// <summary>The question folded to Simplified, lower-cased, with names typed one character off corrected (索龙 → 索隆).</summary>
    public string Normalized { get; init; } = string.Empty;

    /// <summary>The content units, as labels (for logs and tests).</summary>
    public IReadOnlyList<string> Terms => [.. Plan.Units.Select(u => u.Label)];

    /// <summary>
    /// True when the question names an article and asks for little beyond it: nothing else, or a summary with no
    /// specific subject of its own ("那个直播想讲什么？", "帖子最后讲咩？", not "直播里那个观众用麻将比喻想讲AI有什么限制？").
    /// Every passage of the article (or of the part asked about) answers it.
    /// </summary>
    public bool AsksOnlyAboutTheArticle => NamedArticleIds.Count > 0
        && (Plan.Units.All(u => u.IsAlias) || AnswerType.HasFlag(AnswerType.Summary) && !Plan.Units.Any(u => u.IsSpecific && !u.IsAlias));

    /// <summary>
    /// Asks only about the whole article, so its claims are the answer; a question about its opening or ending is
    /// answered from that part instead.
    /// </summary>
    public bool AsksForGist => AsksOnlyAboutTheArticle && Part == ArticlePart.Anywhere;

    /// <summary>Weighted share (0–1) of the question's content that <paramref name="text"/> contains.</summary>
    public double CoverageOf(string text) => Plan.Coverage(Plan.TermsOf(text), focusOnly: true);

    /// <summary>
    /// Weighted share (0–1) of the question's content that <paramref name="text"/> contains and <paramref name="quoted"/>
    /// does not: what a second sentence adds to the first ("在读CS博士的Eason讲了什么笑话？" — one sentence says who he is,
    /// another tells the joke).
    /// </summary>
    public double CoverageBeyond(string text, string quoted)
    {
        var terms = Plan.TermsOf(text);
        var already = Plan.TermsOf(quoted);
        double total = 0, added = 0;
        foreach (var unit in Plan.Units.Where(u => u.InFocus))
        {
            total += unit.Weight;
            // The name the question calls its article by ("马拉比认为……") is no second thing asked: a sentence adding
            // only that ("马拉比先生是……研究员。") adds nothing.
            if (!unit.IsAlias)
            {
                added += unit.Weight * Math.Max(0, unit.CreditFrom(terms) - unit.CreditFrom(already));
            }
        }

        return total == 0 ? 0 : added / total;
    }

    /// <summary>
    /// Share (0–1) of <paramref name="sentence"/>'s character pairs and words that the question itself contains: a
    /// sentence near 1 says back what was asked ("结果：能力飙升，但实际使用率原地踏步" for "为什么能力飙升但使用率原地踏步？") and adds nothing.
    /// </summary>
    public double EchoOf(string sentence)
    {
        var pairs = 0;
        var echoed = 0;
        var folded = ScriptFolder.Fold(sentence).ToLowerInvariant();
        for (var i = 0; i < folded.Length; i++)
        {
            if (char.IsLetter(folded[i]) && folded[i] < 0x2E80)
            {
                var end = i;
                while (end < folded.Length && char.IsLetterOrDigit(folded[end]) && folded[end] < 0x2E80)
                {
                    end++;
                }

                pairs++;
                echoed += end - i > 1 && Normalized.Contains(folded[i..end], StringComparison.Ordinal) ? 1 : 0;
                i = end - 1;
            }
            else if (i + 1 < folded.Length && LanguageDetector.IsHan(folded[i]) && LanguageDetector.IsHan(folded[i + 1]))
            {
                pairs++;
                echoed += Normalized.Contains(folded.AsSpan(i, 2), StringComparison.Ordinal) ? 1 : 0;
            }
        }

        return pairs == 0 ? 0 : (double)echoed / pairs;
    }
}

/// <summary>The passages a retriever found for an analysed question, and whether they answer it.</summary>
public sealed record RetrievalResult(QuestionAnalysis Question, IReadOnlyList<RetrievalHit> Hits, RelevanceVerdict Verdict)
{
    public bool Answerable => Verdict == RelevanceVerdict.Answerable && Hits.Count > 0;
}

/// <summary>Why the bot answers or not; <see cref="Answerable"/> is the only verdict that quotes passages.</summary>
public enum RelevanceVerdict
{
    Answerable,

    /// <summary>No passage covers enough of the question's content.</summary>
    NotCovered,

    /// <summary>The question's specific subject (a name, a thing) occurs nowhere in the articles.</summary>
    AbsentSubject,

    /// <summary>The passages are about the subject but hold no answer of the kind asked (no figure for "how much").</summary>
    NoAnswerOfThatKind,

    /// <summary>The question tries to change the bot's instructions.</summary>
    Injection,
}
