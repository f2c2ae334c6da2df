using System.Text.RegularExpressions;

namespace BubbleBot.Core.Retrieval;

/// <summary>Whether a sentence has the shape of the answer a question wants: a figure, a date, a reason, a name.</summary>
public static partial class AnswerShapes
{
    [GeneratedRegex(@"(?<![A-Za-z]-?|[\d.,])\d[\d.,]*(?:\s*(?<unit>[%％万萬亿億千百个個位家倍人美元]|年代|s\b))?|[一二两兩三四五六七八九十百千万萬亿億几幾数數]+\s*(?:个|個|位|家|倍|成|年|月|万|萬|亿|億|美元|美金|小时|小時|分钟|分鐘|周|週|礼拜|禮拜)|百分之|分之|半数|半數|大多数|大多數|大部分|[吉兆千]瓦|\b[GM]W\b")]
    private static partial Regex FigureCandidate();

    // A date names when: a year, a month, "去年", "三年前", "90 年代". "多年后" and "那时候" do not, and they are everywhere.
    [GeneratedRegex(@"(?:19|20)\d\d|\d{3,4}\s*年|公元前|\d{1,2}\s*月|[一二三四五六七八九十]+月|[去今明前]年|[\d一二两兩三四五六七八九十几幾数數]+\s*(?:年前|年后|年後|年内|年內|个月|個月|年代|世纪|世紀)|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")]
    private static partial Regex TimeExpression();

    [GeneratedRegex(@"(?<!\d)\d{1,3}(?:\.\d+)?\s*[个個]?(?:个月|個月|年|天|周|星期|礼拜|禮拜|小时|小時)|[一二两兩三四五六七八九十几幾数數半]+\s*[个個]?(?:个月|個月|年|天|周|星期|礼拜|禮拜|小时|小時)|\b\d+\s*(?:months?|years?|days?|weeks?|hours?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Span();

    [GeneratedRegex(@"因为|由于|所以|因此|原因|导致|是因|在于|为了|否则|除非|意味着|because|since|so that|therefore|due to|reason")]
    private static partial Regex Reason();

    [GeneratedRegex(@"是的|不是|没错|对的|当然|确实|并不|不会|认为|觉得|同意|承认|否认|系呀|唔系|\b(?:yes|no|not|agree|admit|deny)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Verdict();

    [GeneratedRegex(@"[A-Z][a-z]+|[\u4e00-\u9fff]{1,4}[·・][\u4e00-\u9fff]{1,6}|[(（][A-Z]")]
    private static partial Regex Name();

    [GeneratedRegex(@"就像|好像|像是|如同|犹如|猶如|好比|比作|比喻|类似|類似|相当于|相當於|仿佛|彷彿|宛如|似足|\b(?:like|as if|akin to|compared? to|reminiscent)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Likeness();

    [GeneratedRegex(@"^(?:今|去|明|前|后|上|本|当|旧)(?:年|天|日|晚|夜|岁|周|週|月|季度?|届|年度|次|回)$|^(?:昨|今|明)(?:天|日|晚|儿|儿个|朝)$")]
    private static partial Regex RelativeTime();

    /// <summary>"今年", "去年", "昨天", "上次": a time relative to now, which dates what is asked rather than being its subject.</summary>
    public static bool IsRelativeTime(string word) => RelativeTime().IsMatch(word);

    /// <summary>
    /// Whether <paramref name="text"/> states an amount. A year ("2024 年营收总和"), a decade ("90 年代") and the digits
    /// of a model's name (GPT-5, GB200) are numbers but not amounts: the articles are full of them. "三个月" is a span of
    /// time, which only "几个月" asks for. A unit of power is an order of magnitude even without digits ("吉瓦（GW）级别").
    /// </summary>
    public static bool HasFigure(string text)
    {
        foreach (Match match in FigureCandidate().Matches(text))
        {
            var unit = match.Groups["unit"];
            var value = match.Value.TrimEnd('.', ',');
            var isYear = !unit.Success && value.Length == 4 && value.All(char.IsAsciiDigit) && value[..2] is "19" or "20";
            var isMonths = text.AsSpan(match.Index + match.Length).TrimStart() is var rest
                && (rest.StartsWith("月") && value[^1] is '个' or '個' || rest.StartsWith("个月") || rest.StartsWith("個月"));
            // "一个", "一家" is most often "a", not a count.
            var isArticle = value.Length == 2 && value[0] == '一' && value[1] is '个' or '個' or '位' or '家' or '次';
            if (!isYear && !isMonths && !isArticle && unit.Value is not ("年代" or "s"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="text"/> (folded or not) could answer a question of <paramref name="type"/>.</summary>
    public static bool Fits(string text, AnswerType type) =>
        type.HasFlag(AnswerType.Amount) && HasFigure(text)
        || type.HasFlag(AnswerType.Time) && TimeExpression().IsMatch(text)
        || type.HasFlag(AnswerType.Duration) && Span().IsMatch(text)
        || type.HasFlag(AnswerType.Reason) && Reason().IsMatch(text)
        || (type.HasFlag(AnswerType.Person) || type.HasFlag(AnswerType.Place)) && Name().IsMatch(text)
        || type.HasFlag(AnswerType.YesNo) && Verdict().IsMatch(Text.ScriptFolder.Fold(text))
        || type.HasFlag(AnswerType.Comparison) && Likeness().IsMatch(text);

    /// <summary>Amounts, dates and spans of time must be in the text to answer at all; other types only make a sentence a better answer.</summary>
    public static bool IsRequired(AnswerType type) => type.HasFlag(AnswerType.Amount) || type.HasFlag(AnswerType.Time) || type.HasFlag(AnswerType.Duration);

    /// <summary>A figure, a date or a span of time, whichever the question asks for.</summary>
    public static bool HasRequired(string text, AnswerType type) =>
        type.HasFlag(AnswerType.Amount) && HasFigure(text) || type.HasFlag(AnswerType.Time) && TimeExpression().IsMatch(text)
        || type.HasFlag(AnswerType.Duration) && Span().IsMatch(text);
}
