using System.IO.Compression;
using System.Text;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// What English questions are expanded with: the operator's bilingual vocabulary of the debate first, then the
/// general CC-CEDICT index (data/cedict, CC BY-SA 4.0), plus the stop words that a question is made of.
/// Chinese renderings are stored folded to Simplified.
/// </summary>
public sealed class QueryVocabulary
{
    public const int MaxPhraseWords = 3;

    private readonly Dictionary<string, string[]> _curated;
    private readonly Lazy<Dictionary<string, string[]>> _dictionary;

    public QueryVocabulary(Dictionary<string, string[]> curated, Func<Dictionary<string, string[]>> dictionary, IReadOnlySet<string> stopwords)
    {
        _curated = curated;
        _dictionary = new Lazy<Dictionary<string, string[]>>(dictionary);
        Stopwords = stopwords;
    }

    public IReadOnlySet<string> Stopwords { get; }

    /// <summary>The curated vocabulary's one-word entries, which misspelt question words are corrected to.</summary>
    public IReadOnlyList<string> SingleWords => _singleWords ??= [.. _curated.Keys.Where(k => !k.Contains(' ') && k.Length >= 4)];

    private IReadOnlyList<string>? _singleWords;

    public static QueryVocabulary Load(string vocabularyPath, string stopwordsPath, string? dictionaryPath)
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
        return new QueryVocabulary(curated, () => dictionaryPath is null ? [] : LoadDictionary(dictionaryPath), stopwords);
    }

    /// <summary>Warms the general dictionary off the request path.</summary>
    public void Preload() => _ = _dictionary.Value;

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

        // Last, the word's noun of action, which dictionaries list more often than the verb ("fundraise" → "fundraising").
        if (word.Length > 3 && !word.EndsWith("ing", StringComparison.Ordinal))
        {
            yield return (word.EndsWith('e') ? word[..^1] : word) + "ing";
            yield return word + "ment";
        }
    }

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
        }

        if (word.EndsWith("ed", StringComparison.Ordinal))
        {
            yield return word[..^2];
            yield return word[..^1];
        }
    }

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
