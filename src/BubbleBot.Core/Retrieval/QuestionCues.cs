using System.Text;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// Words that tell what a question asks for (<c>data/question-cues.tsv</c>): the answer type, both sides of the
/// debate, a follow-up, or an attempt to change the bot's instructions. Chinese cues match anywhere; English cues
/// match whole words.
/// </summary>
public sealed class QuestionCues
{
    private readonly List<(string Cue, string Kind)> _cues;
    private readonly HashSet<string> _answerTypeCues;

    public QuestionCues(IEnumerable<(string Cue, string Kind)> cues)
    {
        _cues = [.. cues.Select(c => (ScriptFolder.Fold(c.Cue).ToLowerInvariant(), c.Kind)).OrderByDescending(c => c.Item1.Length)];
        _answerTypeCues = _cues.Where(c => c.Kind is not ("sides" or "injection" or "followup" or "summary")).Select(c => c.Cue).ToHashSet(StringComparer.Ordinal);
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
            if (kind != "followup" && Occurs(folded, cue, atStartOnly: false))
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    /// <summary>True when the question opens with a follow-up cue ("那…", "what about …").</summary>
    public bool StartsAsFollowUp(string folded) =>
        _cues.Any(c => c.Kind == "followup" && Occurs(folded.TrimStart(), c.Cue, atStartOnly: true));

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
                _ => AnswerType.Unknown,
            };
        }

        return type;
    }

    private static bool Occurs(string text, string cue, bool atStartOnly)
    {
        var latin = cue.Any(char.IsAsciiLetter);
        var at = atStartOnly ? (text.StartsWith(cue, StringComparison.Ordinal) ? 0 : -1) : text.IndexOf(cue, StringComparison.Ordinal);
        while (at >= 0)
        {
            var boundedBefore = !latin || at == 0 || !char.IsAsciiLetterOrDigit(text[at - 1]);
            var end = at + cue.Length;
            var boundedAfter = !latin || end >= text.Length || !char.IsAsciiLetterOrDigit(text[end]);
            if (boundedBefore && boundedAfter)
            {
                return true;
            }

            if (atStartOnly)
            {
                return false;
            }

            at = text.IndexOf(cue, at + 1, StringComparison.Ordinal);
        }

        return false;
    }
}
