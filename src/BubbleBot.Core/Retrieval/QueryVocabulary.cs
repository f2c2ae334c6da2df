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

        var stopwords = ReadDataLines(stopwordsPath).Select(w => ScriptFolder.Fold(w.Trim()).ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
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

        // Plural and -ing/-ed forms fall back to the dictionary's base form.
        foreach (var stem in BaseForms(key))
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
