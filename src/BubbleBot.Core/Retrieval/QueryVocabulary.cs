using System.IO.Compression;
using System.Text;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// What questions are expanded with: for English, the operator's bilingual vocabulary of the debate first, then the
/// general CC-CEDICT index (data/cedict, CC BY-SA 4.0); for Chinese, the groups of words that mean the same in the
/// debate (<c>data/synonyms.tsv</c>: Cantonese and colloquial words beside the articles' written ones); plus the stop
/// words that a question is made of. Chinese words are stored folded to Simplified.
/// </summary>
public sealed class QueryVocabulary
{
    public const int MaxPhraseWords = 3;

    private readonly Dictionary<string, string[]> _curated;
    private readonly Lazy<Dictionary<string, string[]>> _dictionary;
    private readonly Lazy<ILookup<string, string>> _phraseWords;
    private readonly Dictionary<string, string[]> _synonyms;

    public QueryVocabulary(Dictionary<string, string[]> curated, Func<Dictionary<string, string[]>> dictionary, IReadOnlySet<string> stopwords, Dictionary<string, string[]>? synonyms = null)
    {
        _curated = curated;
        _dictionary = new Lazy<Dictionary<string, string[]>>(dictionary);
        Stopwords = stopwords;
        // By first word only: "terracotta army" renders "terracotta"; "south australia" (南澳) must not render "australia".
        _phraseWords = new Lazy<ILookup<string, string>>(() => _dictionary.Value
            .Where(e => e.Key.Contains(' '))
            .SelectMany(e => e.Value.Select(zh => (Word: e.Key[..e.Key.IndexOf(' ')], Chinese: zh)))
            .Where(p => !stopwords.Contains(p.Word))
            .ToLookup(p => p.Word, p => p.Chinese, StringComparer.Ordinal));
        _synonyms = synonyms ?? [];
        _everydayWords = new Lazy<HashSet<string>>(() => _dictionary.Value
            .Where(e => !e.Key.Any(char.IsUpper))
            .SelectMany(e => e.Value)
            .GroupBy(zh => zh, StringComparer.Ordinal)
            .Where(g => g.Count() >= MinEverydaySenses)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal));
    }

    private readonly Lazy<HashSet<string>> _everydayWords;

    /// <summary>A transliterated name renders one English word ("nasdaq" → 纳斯达克); an everyday word renders several.</summary>
    private const int MinEverydaySenses = 2;

    /// <summary>
    /// True when the general dictionary gives <paramref name="chinese"/> (Simplified) for several lower-case English
    /// words: 权衡 ("weigh", "balance") and 卡住 ("jam", "choke") are everyday words whatever jieba tags them.
    /// </summary>
    public bool IsEverydayWord(string chinese) => _everydayWords.Value.Contains(chinese);

    public IReadOnlySet<string> Stopwords { get; }

    /// <summary>The curated vocabulary's one-word entries, which misspelt question words are corrected to.</summary>
    public IReadOnlyList<string> SingleWords => _singleWords ??= [.. _curated.Keys.Where(k => !k.Contains(' ') && k.Length >= 4)];

    private IReadOnlyList<string>? _singleWords;

    public static QueryVocabulary Load(string vocabularyPath, string stopwordsPath, string? dictionaryPath, string? synonymsPath = null)
    {
        var curated = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in ReadDataLines(vocabularyPath))
        {
            var tab = line.IndexOf('\t');
            if (tab <= 0)
            {
                continue;
            }

            var english = NormalizeEnglish(line[..tab]);
            var renderings = line[(tab + 1)..].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(ScriptFolder.Fold);
            curated[english] = curated.TryGetValue(english, out var existing)
                ? [.. existing.Concat(renderings).Distinct()]
                : [.. renderings.Distinct()];
        }

        var stopwords = ReadDataLines(stopwordsPath)
            .SelectMany(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(w => ScriptFolder.Fold(w).ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        return new QueryVocabulary(curated, () => dictionaryPath is null ? [] : LoadDictionary(dictionaryPath), stopwords, LoadSynonyms(synonymsPath));
    }

    /// <summary>Every word of the synonym groups, so that the segmenter cuts a question's words the way the groups list them.</summary>
    public IReadOnlyCollection<string> SynonymWords => _synonyms.Keys;

    /// <summary>The other words of <paramref name="foldedWord"/>'s synonym groups (none when it is in no group).</summary>
    public IReadOnlyList<string> SynonymsOf(string foldedWord) => _synonyms.TryGetValue(foldedWord, out var synonyms) ? synonyms : [];

    /// <summary>Each word of a group (<c>a|b|c</c> per line) maps to the group's other words; a word in several groups to all of them.</summary>
    private static Dictionary<string, string[]> LoadSynonyms(string? path)
    {
        var synonyms = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path))
        {
            return [];
        }

        foreach (var line in ReadDataLines(path))
        {
            var group = line.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(w => ScriptFolder.Fold(w).ToLowerInvariant())
                .Where(w => w.Length > 1)
                .Distinct()
                .ToList();
            foreach (var word in group)
            {
                if (!synonyms.TryGetValue(word, out var others))
                {
                    synonyms[word] = others = new HashSet<string>(StringComparer.Ordinal);
                }

                others.UnionWith(group.Where(w => w != word));
            }
        }

        return synonyms.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Warms the general dictionary off the request path.</summary>
    public void Preload() => _ = (_phraseWords.Value, _everydayWords.Value);

    /// <summary>Chinese renderings of the general dictionary's multi-word entries that begin with <paramref name="word"/> ("terracotta army" for "terracotta").</summary>
    public IEnumerable<string> RenderingsOfPhrasesWith(string word) => _phraseWords.Value[word].Distinct();

    /// <summary>Chinese renderings of an English word or phrase; curated entries win over the general dictionary.</summary>
    public IReadOnlyList<string> Renderings(string englishPhrase, out bool curated)
    {
        var key = NormalizeEnglish(englishPhrase);
        if (_curated.TryGetValue(key, out var fromVocabulary))
        {
            curated = true;
            return fromVocabulary;
        }

        curated = false;
        if (_dictionary.Value.TryGetValue(key, out var fromDictionary))
        {
            return fromDictionary;
        }

        // Plural, -ing/-ed and irregular forms fall back to the dictionary's base form.
        foreach (var stem in Lemmas(key).Skip(1))
        {
            if (_curated.TryGetValue(stem, out fromVocabulary))
            {
                curated = true;
                return fromVocabulary;
            }

            if (_dictionary.Value.TryGetValue(stem, out fromDictionary))
            {
                return fromDictionary;
            }
        }

        return [];
    }

    /// <summary>Known forms of an English word that may carry renderings: itself, then its base forms, then related nouns.</summary>
    public static IEnumerable<string> Lemmas(string word)
    {
        yield return word;
        if (IrregularForms.TryGetValue(word, out var irregular))
        {
            yield return irregular;
        }

        foreach (var form in BaseForms(word))
        {
            yield return form;
        }

        foreach (var form in DerivedFrom(word))
        {
            yield return form;
        }

        // Last, the word's noun of action, which dictionaries list more often than the verb ("fundraise" → "fundraising").
        if (word.Length > 3 && !word.EndsWith("ing", StringComparison.Ordinal))
        {
            yield return (word.EndsWith('e') ? word[..^1] : word) + "ing";
            yield return word + "ment";
        }
    }

    /// <summary>The base forms of an inflected word ("looked" → "look", "said" → "say"), without derivations.</summary>
    public static IEnumerable<string> BaseFormsOf(string word) =>
        IrregularForms.TryGetValue(word, out var irregular) ? BaseForms(word).Prepend(irregular) : BaseForms(word);

    /// <summary>Irregular past and plural forms common in questions; regular ones are handled by <see cref="BaseForms"/>.</summary>
    private static readonly Dictionary<string, string> IrregularForms = new(StringComparer.Ordinal)
    {
        ["went"] = "go", ["gone"] = "go", ["said"] = "say", ["spent"] = "spend", ["burnt"] = "burn", ["paid"] = "pay",
        ["bought"] = "buy", ["sold"] = "sell", ["thought"] = "think", ["made"] = "make", ["took"] = "take",
        ["got"] = "get", ["lost"] = "lose", ["built"] = "build", ["grew"] = "grow", ["grown"] = "grow",
        ["fell"] = "fall", ["fallen"] = "fall", ["rose"] = "rise", ["risen"] = "rise", ["ran"] = "run",
        ["won"] = "win", ["left"] = "leave", ["began"] = "begin", ["begun"] = "begin", ["brought"] = "bring",
        ["taught"] = "teach", ["wrote"] = "write", ["written"] = "write", ["men"] = "man", ["women"] = "woman",
        ["people"] = "person", ["children"] = "child", ["data"] = "data", ["better"] = "good", ["best"] = "good",
        ["worse"] = "bad", ["worst"] = "bad", ["'d"] = "would",
    };

    /// <summary>
    /// The word a derived noun, adjective or adverb is built on, which a dictionary may render when it does not render
    /// the derived word the way the articles write it ("diagnosis" → "diagnose" → 诊断, "conversion" → "convert" → 转化).
    /// </summary>
    private static IEnumerable<string> DerivedFrom(string word)
    {
        foreach (var (suffix, replacements) in DerivationSuffixes)
        {
            if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                foreach (var replacement in replacements)
                {
                    yield return word[..^suffix.Length] + replacement;
                }
            }
        }
    }

    private static readonly (string Suffix, string[] Replacements)[] DerivationSuffixes =
    [
        ("ysis", ["yze", "yse"]), ("sis", ["se"]), ("sion", ["t", "de", "d"]), ("tion", ["te", "t", "e"]),
        ("ility", ["le"]), ("ity", ["e", ""]), ("ness", [""]), ("ment", [""]), ("ily", ["y"]), ("ly", [""]), ("or", [""]), ("er", [""]),
    ];

    private static IEnumerable<string> BaseForms(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal))
        {
            yield return word[..^3] + "y";
        }

        if (word.EndsWith("es", StringComparison.Ordinal))
        {
            yield return word[..^2];
        }

        if (word.EndsWith('s'))
        {
            yield return word[..^1];
        }

        if (word.EndsWith("ing", StringComparison.Ordinal))
        {
            yield return word[..^3];
            yield return word[..^3] + "e";
            if (EndsWithDoubledConsonant(word[..^3]))
            {
                yield return word[..^4]; // "chatting" → "chat"
            }
        }

        if (word.EndsWith("ed", StringComparison.Ordinal))
        {
            yield return word[..^2];
            yield return word[..^1];
            if (EndsWithDoubledConsonant(word[..^2]))
            {
                yield return word[..^3]; // "shipped" → "ship"
            }
        }
    }

    private static bool EndsWithDoubledConsonant(string stem) =>
        stem.Length > 2 && stem[^1] == stem[^2] && !"aeiouls".Contains(stem[^1], StringComparison.Ordinal);

    private static string NormalizeEnglish(string text) =>
        string.Join(' ', text.ToLowerInvariant().Replace('-', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static IEnumerable<string> ReadDataLines(string path)
    {
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.Length > 0 && line[0] != '#' && !string.IsNullOrWhiteSpace(line))
            {
                yield return line.TrimEnd();
            }
        }
    }

    private static Dictionary<string, string[]> LoadDictionary(string path)
    {
        var entries = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var tab = line.IndexOf('\t');
            if (tab > 0 && line[0] != '#')
            {
                entries[NormalizeEnglish(line[..tab])] = line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        return entries;
    }
}
