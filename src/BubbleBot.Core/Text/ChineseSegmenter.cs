using JiebaNet.Segmenter;
using JiebaNet.Segmenter.PosSeg;

namespace BubbleBot.Core.Text;

/// <summary>A word of segmented Chinese text, its part of speech (jieba's tags) and its offsets in that text.</summary>
public readonly record struct Word(string Text, string PartOfSpeech, int Start)
{
    public int End => Start + Text.Length;
}

/// <summary>
/// Chinese word segmentation with jieba (its general dictionary plus the corpus's own names and terms from
/// <c>data/userdict.txt</c> and the articles' aliases). Text is expected folded to Simplified.
/// </summary>
public sealed class ChineseSegmenter
{
    private readonly PosSegmenter _segmenter;

    // jieba's dictionary is a process-wide singleton. Cutting only reads it, and many questions may be cut at once (a
    // single lock made two cores answer fewer questions than one); adding words, when a segmenter is built for a new
    // corpus snapshot, writes it while an older snapshot may be cutting: writers wait for readers, and the other way round.
    private static readonly ReaderWriterLockSlim Gate = new();

    private readonly HashSet<string> _corpusTerms = new(StringComparer.Ordinal);

    public ChineseSegmenter(string resourceFolder, string? userDictionaryPath, IEnumerable<string> extraWords, IEnumerable<string>? commonWords = null)
    {
        Gate.EnterWriteLock();
        try
        {
            _segmenter = Create(resourceFolder, userDictionaryPath, extraWords, commonWords ?? [], _corpusTerms);
        }
        finally
        {
            Gate.ExitWriteLock();
        }
    }

    private static PosSegmenter Create(string resourceFolder, string? userDictionaryPath, IEnumerable<string> extraWords, IEnumerable<string> commonWords, HashSet<string> corpusTerms)
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
                var word = ScriptFolder.Fold(parts[0]).ToLowerInvariant();
                segmenter.AddWord(word, frequency, parts.Length > 2 ? parts[2] : null);
                corpusTerms.Add(word);
            }
        }

        foreach (var word in extraWords)
        {
            segmenter.AddWord(word, 2000, "nz");
            corpusTerms.Add(word);
        }

        foreach (var word in commonWords)
        {
            // Words jieba lacks, at a middling frequency: cut whole, but not preferred over the dictionary's own words.
            if (!WordDictionary.Instance.ContainsWord(word))
            {
                segmenter.AddWord(word, CommonWordFrequency);
            }
        }

        return new PosSegmenter(segmenter);
    }

    /// <summary>
    /// jieba's general dictionary tags many common words as person names or other proper nouns (范畴, 体操, 修正 are
    /// "nr"; 大战, 普通, 论文 are "nz"), so a known word with such a tag counts as a name only when it is rare or one of
    /// the corpus's own names; a word the dictionary lacks keeps the tag its unknown-word model gave it.
    /// </summary>
    private const int MaxCommonNameTagFrequency = 500;

    private const int CommonWordFrequency = 300;

    /// <summary>Person, place, organisation or other proper noun: the subject of a question more than any other word.</summary>
    public bool IsName(Word word) => word.PartOfSpeech switch
    {
        "ns" or "nt" => true,
        "nr" or "nrt" or "nrfg" or "nz" => _corpusTerms.Contains(word.Text) || IsUnknown(word.Text)
            || Frequency(word.Text) < MaxCommonNameTagFrequency,
        _ => false,
    };

    /// <summary>True when <paramref name="foldedText"/> is cut as one word that is a name (英伟达, 黄教主).</summary>
    public bool IsNameWord(string foldedText) => Segment(foldedText) is [var word] && IsName(word);

    /// <summary>jieba's tags for names of people, places, organisations and other proper nouns.</summary>
    public static bool IsNameTag(string partOfSpeech) => partOfSpeech is "nr" or "nrt" or "nrfg" or "ns" or "nt" or "nz";

    /// <summary>The corpus's own names and terms (user dictionary and aliases), folded.</summary>
    public IReadOnlyCollection<string> CorpusTerms => _corpusTerms;

    /// <summary>How often jieba's dictionaries count the word (0 when they do not know it).</summary>
    public long Frequency(string word) => Read(() => WordDictionary.Instance.GetFreqOrDefault(word));

    /// <summary>True when jieba's dictionaries do not know the word (a new name, or a typo).</summary>
    public bool IsUnknown(string word) => !Read(() => WordDictionary.Instance.ContainsWord(word));

    private static T Read<T>(Func<T> read)
    {
        Gate.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            Gate.ExitReadLock();
        }
    }

    public List<Word> Segment(string foldedText)
    {
        IEnumerable<Pair> pairs;
        Gate.EnterReadLock();
        try
        {
            pairs = _segmenter.Cut(foldedText).ToList();
        }
        finally
        {
            Gate.ExitReadLock();
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
