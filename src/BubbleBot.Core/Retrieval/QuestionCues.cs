using System.Text;
using System.Text.RegularExpressions;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// Words that tell what a question asks for (<c>data/question-cues.tsv</c>): the answer type, both sides of the
/// debate, a part of the article it names, a follow-up, or an attempt to change the bot's instructions. Chinese cues match anywhere; English cues
/// match whole words.
/// </summary>
public sealed partial class QuestionCues
{
    private readonly List<(string Cue, string Kind)> _cues;
    private readonly HashSet<string> _answerTypeCues;
    private readonly List<string> _askingPhrases;
    private readonly List<string> _laterDayCues;

    public QuestionCues(IEnumerable<(string Cue, string Kind)> cues)
    {
        _cues = [.. cues.Select(c => (ScriptFolder.Fold(c.Cue).ToLowerInvariant(), c.Kind)).OrderByDescending(c => c.Item1.Length)];
        _answerTypeCues = _cues.Where(c => c.Kind is not ("sides" or "injection" or "followup" or "summary" or "view" or "author" or "opening" or "ending" or "current")).Select(c => c.Cue).ToHashSet(StringComparer.Ordinal);
        _askingPhrases = [.. _cues.Where(c => c.Kind is "amount" or "duration" or "time" or "reason" && c.Cue.Contains(' ') && c.Cue.Split(' ')[0] is "how" or "what" or "which").Select(c => c.Cue)];
        _laterDayCues = [.. _cues.Where(c => c.Kind == "current").Select(c => c.Cue)];
    }

    public static QuestionCues Load(string path)
    {
        var cues = new List<(string, string)>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var tab = line.IndexOf('\t');
            if (line.StartsWith('#') || tab <= 0)
            {
                continue;
            }

            cues.Add((line[..tab].Trim(), line[(tab + 1)..].Trim().ToLowerInvariant()));
        }

        return new QuestionCues(cues);
    }

    /// <summary>True when the whole word is a cue of an answer type ("多少", "why"): it says what is asked, not about what.</summary>
    public bool IsAnswerTypeCue(string foldedWord) => _answerTypeCues.Contains(foldedWord);

    /// <summary>The kinds whose cues occur in <paramref name="folded"/> (folded, lower-case text).</summary>
    public HashSet<string> KindsIn(string folded)
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (cue, kind) in _cues)
        {
            if (kind != "followup" && Occurs(folded, cue, atStartOnly: false, asksForAnswer: _answerTypeCues.Contains(cue)))
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    /// <summary>Where the Chinese cues of <paramref name="kind"/> occur in <paramref name="folded"/> (start, end).</summary>
    public IEnumerable<(int Start, int End)> HanOccurrences(string folded, string kind) =>
        _cues.Where(c => c.Kind == kind && !c.Cue.Any(char.IsAsciiLetter)).SelectMany(c => WordOccurrences(folded, c.Cue));

    /// <summary>
    /// Where the English question phrases that ask for a figure, a time or a reason ("how long", "what year", "how
    /// come") occur in <paramref name="folded"/>: "long", "year" and "come" ask for a kind of answer, they are not the
    /// topic. "which company" names what is asked of, and "valued at" is the topic itself.
    /// </summary>
    public IEnumerable<(int Start, int End)> AskingPhrases(string folded) => _askingPhrases.SelectMany(cue => WordOccurrences(folded, cue));

    /// <summary>
    /// True when <paramref name="folded"/> asks about a day after the articles were written ("英伟达今天收市价", "will it
    /// go up tomorrow?"). "今天的", "today's" name the present era ("今天的AI热潮") and do not count.
    /// </summary>
    public bool AsksAboutALaterDay(string folded) =>
        _laterDayCues.SelectMany(cue => WordOccurrences(folded, cue))
            .Any(o => !(folded.AsSpan(o.End).StartsWith("的") || folded.AsSpan(o.End).StartsWith("'s") || folded.AsSpan(o.End).StartsWith("’s")));

    /// <summary>Where <paramref name="cue"/> occurs in <paramref name="folded"/>: anywhere if Chinese, as whole words if English.</summary>
    private static IEnumerable<(int Start, int End)> WordOccurrences(string folded, string cue)
    {
        var latin = cue.Any(char.IsAsciiLetter);
        for (var at = folded.IndexOf(cue, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(cue, at + 1, StringComparison.Ordinal))
        {
            var end = at + cue.Length;
            if (!latin || (at == 0 || !char.IsAsciiLetterOrDigit(folded[at - 1])) && (end >= folded.Length || !char.IsAsciiLetterOrDigit(folded[end])))
            {
                yield return (at, end);
            }
        }
    }

    /// <summary>True when the question opens with a follow-up cue ("那…", "what about …").</summary>
    public bool StartsAsFollowUp(string folded) =>
        _cues.Any(c => c.Kind == "followup" && Occurs(folded.TrimStart(), c.Cue, atStartOnly: true, asksForAnswer: false));

    /// <summary>
    /// The answer types asked for by <paramref name="askingSentences"/> (the question's focus, without its preamble):
    /// in each sentence its last part that asks anything ("…是不是拿来当女友，他平时拿GPT干嘛？" does not ask yes or no), and two
    /// questions in a row ask for both.
    /// </summary>
    public AnswerType AnswerTypeIn(IEnumerable<string> askingSentences)
    {
        var type = AnswerType.Unknown;
        foreach (var sentence in askingSentences)
        {
            // The last part asks, unless it has no question word at all: "点解能力飙升，但使用率原地踏步？" asks why in its
            // first part.
            var parts = sentence.Split(PartSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                var asked = AnswerTypeOf(KindsIn(parts[i]));
                if (asked != AnswerType.Unknown || HasQuestionWord(parts[i]))
                {
                    type |= asked;
                    // "how much did they raise, and at what valuation?" asks twice.
                    if (!AddsToThePartBefore().IsMatch(parts[i]))
                    {
                        break;
                    }
                }
            }
        }

        return type;
    }

    [GeneratedRegex(@"^(?:and|or|plus|also|还有|以及|同埋|仲有|另外|顺便|并且|而且)(?:\b|(?=\P{IsBasicLatin}))", RegexOptions.IgnoreCase)]
    private static partial Regex AddsToThePartBefore();

    private static readonly char[] PartSeparators = ['，', ',', '；', '：', '—'];

    // After a negation a question word is indefinite and asks nothing: "冇乜增加" (hardly grew), "没什么用", but "有没有什么".
    [GeneratedRegex(@"(?<!(?<!有)(?:冇|没有?|无))(?:什么|啥|咩|乜|哪|谁|边个|边度|怎|点样|如何|几|多少)|\b(?:what|which|who|how|where|when|why)\b", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionWord();

    /// <summary>A question word that asks without naming an answer type ("他平时用GPT做什么？"); not one after a negation ("冇乜增加").</summary>
    public static bool HasQuestionWord(string part) => QuestionWord().IsMatch(part);

    public static AnswerType AnswerTypeOf(IEnumerable<string> kinds)
    {
        var type = AnswerType.Unknown;
        foreach (var kind in kinds)
        {
            type |= kind switch
            {
                "amount" => AnswerType.Amount,
                "person" => AnswerType.Person,
                "time" => AnswerType.Time,
                "place" => AnswerType.Place,
                "reason" => AnswerType.Reason,
                "yesno" => AnswerType.YesNo,
                "list" => AnswerType.List,
                "summary" => AnswerType.Summary,
                "comparison" => AnswerType.Comparison,
                "reply" => AnswerType.Reply,
                "duration" => AnswerType.Duration,
                _ => AnswerType.Unknown,
            };
        }

        return type;
    }

    private static bool IsWhWord(string cue) => cue is "when" or "where" or "who" or "why" or "whose";

    private static readonly HashSet<string> Auxiliaries = new(["is", "are", "was", "were", "do", "does", "did", "will", "would", "can", "could", "should", "has", "have", "had", "r", "s", "d"], StringComparer.Ordinal);

    /// <summary>
    /// An English question word asks when it opens the text or is followed by an auxiliary ("…, so when did it
    /// start?"); elsewhere it joins clauses ("why would prompting matter now when models keep getting smarter").
    /// </summary>
    private static bool AsksAt(string text, int at, int end)
    {
        if (!text.AsSpan(0, at).ContainsAnyInRange('a', 'z'))
        {
            return true;
        }

        var rest = text.AsSpan(end).TrimStart(" '’");
        var length = 0;
        while (length < rest.Length && char.IsAsciiLetter(rest[length]))
        {
            length++;
        }

        return Auxiliaries.Contains(rest[..length].ToString());
    }

    /// <summary>
    /// "figure out how much to spend", "when to sell": a question word before "to" names something the sentence talks
    /// about, not what it asks.
    /// </summary>
    private static bool OpensInfinitive(string text, int end) =>
        text.AsSpan(end).TrimStart(' ') is var rest && rest.StartsWith("to ", StringComparison.Ordinal);

    /// <summary>
    /// "算不算泡沫" and "是不是泡沫" ask yes or no: a cue opening with a negation ("不算泡沫") is not said when the word it
    /// negates comes just before it. Likewise "哪几个" asks which ones: its "几个" does not ask how many.
    /// </summary>
    private static bool InAskingPair(string text, string cue, int at) =>
        cue.Length > 1 && cue[0] is '不' or '唔' && at > 0 && text[at - 1] == cue[1]
        || cue[0] == '几' && at > 0 && text[at - 1] is '哪' or '边';

    /// <param name="asksForAnswer">A cue of an answer type, which a following "to" makes talked about ("how much to spend"); "expect to" still expects.</param>
    private static bool Occurs(string text, string cue, bool atStartOnly, bool asksForAnswer)
    {
        var latin = cue.Any(char.IsAsciiLetter);
        return WordOccurrences(text, cue)
            .TakeWhile(o => !atStartOnly || o.Start == 0)
            .Any(o => (!IsWhWord(cue) || AsksAt(text, o.Start, o.End)) && !InAskingPair(text, cue, o.Start) && !(latin && asksForAnswer && OpensInfinitive(text, o.End)));
    }
}
