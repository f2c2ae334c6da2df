using System.Text.RegularExpressions;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// Cuts an article into passages of a few sentences that never cross a heading or a change of speaker.
/// Each chunk records its heading, its speaker and its offsets in the article body.
/// </summary>
public static partial class Chunker
{
    /// <summary>Paragraphs are gathered into one chunk up to this many characters.</summary>
    public const int TargetLength = 300;

    /// <summary>A single paragraph longer than this is cut at sentence ends.</summary>
    public const int MaxLength = 450;

    [GeneratedRegex(@"^#{1,6}\s+(?<heading>.+?)\s*#*$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(?<name>[^\s:：#\-*>]{1,12}?)\s?[:：]\s*\S")]
    private static partial Regex SpeakerLabel();

    public static List<Chunk> Split(Article article)
    {
        var body = article.Body;
        var lines = ReadLines(body);
        var speakers = FindSpeakers(lines.Select(l => body[l]));
        var chunks = new List<Chunk>();
        string? heading = null;
        string? speaker = null;
        var pending = new List<Range>();

        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }

            var start = pending[0].Start.Value;
            var end = pending[^1].End.Value;
            chunks.Add(new Chunk($"{article.Id}#{chunks.Count}", article.Id, chunks.Count, body, start, end, heading, speaker));
            pending.Clear();
        }

        foreach (var line in lines)
        {
            var text = body[line];
            var headingMatch = HeadingLine().Match(text);
            if (headingMatch.Success)
            {
                Flush();
                heading = headingMatch.Groups["heading"].Value;
                speaker = null;
                continue;
            }

            var label = SpeakerLabel().Match(text);
            if (label.Success && speakers.Contains(label.Groups["name"].Value) && label.Groups["name"].Value != speaker)
            {
                Flush();
                speaker = label.Groups["name"].Value;
            }

            var length = line.End.Value - line.Start.Value;
            if (length > MaxLength)
            {
                Flush();
                foreach (var piece in SplitLongParagraph(body, line))
                {
                    pending.Add(piece);
                    Flush();
                }

                continue;
            }

            if (pending.Count > 0 && line.End.Value - pending[0].Start.Value > TargetLength)
            {
                Flush();
            }

            pending.Add(line);
        }

        Flush();
        return chunks;
    }

    private static List<Range> ReadLines(string body)
    {
        var lines = new List<Range>();
        var start = 0;
        while (start < body.Length)
        {
            var newline = body.IndexOf('\n', start);
            var end = newline < 0 ? body.Length : newline;
            var (from, to) = (start, end);
            while (from < to && char.IsWhiteSpace(body[from]))
            {
                from++;
            }

            while (to > from && char.IsWhiteSpace(body[to - 1]))
            {
                to--;
            }

            if (to > from)
            {
                lines.Add(from..to);
            }

            start = end + 1;
        }

        return lines;
    }

    /// <summary>A label counts as a speaker only if it recurs: "注意: ..." once in an essay is ordinary text.</summary>
    private static HashSet<string> FindSpeakers(IEnumerable<string> lines)
    {
        var counts = new Dictionary<string, int>();
        foreach (var line in lines)
        {
            var match = SpeakerLabel().Match(line);
            if (match.Success)
            {
                var name = match.Groups["name"].Value;
                counts[name] = counts.GetValueOrDefault(name) + 1;
            }
        }

        var recurring = counts.Where(c => c.Value >= 2).Select(c => c.Key).ToHashSet();

        // Two or more recurring speakers make a transcript: there, a guest who speaks once is a speaker too.
        return recurring.Count >= 2 ? [.. counts.Keys] : recurring;
    }

    private static IEnumerable<Range> SplitLongParagraph(string body, Range paragraph)
    {
        var sentences = Sentences.Split(body, paragraph.Start.Value, paragraph.End.Value);
        var start = -1;
        var end = -1;
        foreach (var sentence in sentences)
        {
            if (start >= 0 && sentence.End.Value - start > TargetLength)
            {
                yield return start..end;
                start = -1;
            }

            if (start < 0)
            {
                start = sentence.Start.Value;
            }

            end = sentence.End.Value;
        }

        if (start >= 0)
        {
            yield return start..end;
        }
    }
}
