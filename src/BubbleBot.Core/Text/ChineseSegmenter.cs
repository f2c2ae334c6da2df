using JiebaNet.Segmenter;
using JiebaNet.Segmenter.PosSeg;

namespace BubbleBot.Core.Text;

/// <summary>A word of segmented Chinese text, its part of speech (jieba's tags) and its offsets in that text.</summary>
public readonly record struct Word(string Text, string PartOfSpeech, int Start)
{
    public int End => Start + Text.Length;

    /// <summary>Person, place, organisation or other proper noun: the subject of a question more than any other word.</summary>
    public bool IsName => PartOfSpeech is "nr" or "nrt" or "nrfg" or "ns" or "nt" or "nz";
}

/// <summary>
/// Chinese word segmentation with jieba (its general dictionary plus the corpus's own names and terms from
/// <c>data/userdict.txt</c> and the articles' aliases). Text is expected folded to Simplified.
/// </summary>
public sealed class ChineseSegmenter
{
    private readonly PosSegmenter _segmenter;

    // jieba's dictionary is a process-wide singleton that is not documented as safe for concurrent readers, and a
    // corpus reload adds words to it while the previous snapshot's segmenter may be cutting: one lock for all instances.
    private static readonly Lock Gate = new();

    public ChineseSegmenter(string resourceFolder, string? userDictionaryPath, IEnumerable<string> extraWords)
    {
        lock (Gate)
        {
            _segmenter = Create(resourceFolder, userDictionaryPath, extraWords);
        }
    }

    private static PosSegmenter Create(string resourceFolder, string? userDictionaryPath, IEnumerable<string> extraWords)
    {
        ConfigManager.ConfigFileBaseDir = resourceFolder;
        var segmenter = new JiebaSegmenter();
        if (userDictionaryPath is not null && File.Exists(userDictionaryPath))
        {
            foreach (var line in File.ReadLines(userDictionaryPath))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0 || parts[0].StartsWith('#'))
                {
                    continue;
                }

                var frequency = parts.Length > 1 && int.TryParse(parts[1], out var f) ? f : 0;
                segmenter.AddWord(ScriptFolder.Fold(parts[0]).ToLowerInvariant(), frequency, parts.Length > 2 ? parts[2] : null);
            }
        }

        foreach (var word in extraWords)
        {
            segmenter.AddWord(word, 2000, "nz");
        }

        return new PosSegmenter(segmenter);
    }

    /// <summary>True when jieba's dictionaries do not know the word (a new name, or a typo).</summary>
    public bool IsUnknown(string word) => !WordDictionary.Instance.ContainsWord(word);

    public List<Word> Segment(string foldedText)
    {
        IEnumerable<Pair> pairs;
        lock (Gate)
        {
            pairs = _segmenter.Cut(foldedText).ToList();
        }

        var words = new List<Word>();
        var at = 0;
        foreach (var pair in pairs)
        {
            var start = foldedText.IndexOf(pair.Word, at, StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            words.Add(new Word(pair.Word, pair.Flag ?? "x", start));
            at = start + pair.Word.Length;
        }

        return words;
    }
}
