using System.Collections.Frozen;
using System.Text;

namespace BubbleBot.Core.Text;

/// <summary>
/// OpenCC's character tables (data/opencc, Apache-2.0): Traditional, Hong Kong and Taiwan variants mapped to
/// Simplified, and Simplified mapped to Traditional, used to fold both scripts together and to tell them apart.
/// </summary>
public sealed class ScriptTables
{
    private readonly FrozenDictionary<char, char> _toSimplified;
    private readonly FrozenSet<char> _simplifiedOnly;

    private ScriptTables(FrozenDictionary<char, char> toSimplified, FrozenSet<char> simplifiedOnly)
    {
        _toSimplified = toSimplified;
        _simplifiedOnly = simplifiedOnly;
    }

    private static readonly Lazy<ScriptTables> LazyDefault = new(() => Load(Path.Combine(AppContext.BaseDirectory, "data", "opencc")));

    /// <summary>The tables shipped next to the program.</summary>
    public static ScriptTables Default => LazyDefault.Value;

    public static ScriptTables Load(string directory)
    {
        var toSimplified = new Dictionary<char, char>();

        // Regional variants first map back to the standard Traditional form, then Traditional maps to Simplified.
        var variantToStandard = new Dictionary<char, char>();
        foreach (var file in new[] { "HKVariants.txt", "TWVariants.txt" })
        {
            foreach (var (key, value) in ReadPairs(Path.Combine(directory, file)))
            {
                variantToStandard.TryAdd(value, key);
            }
        }

        foreach (var (traditional, simplified) in ReadPairs(Path.Combine(directory, "TSCharacters.txt")))
        {
            toSimplified[traditional] = simplified;
        }

        foreach (var (variant, standard) in variantToStandard)
        {
            var target = toSimplified.GetValueOrDefault(standard, standard);
            if (target != variant)
            {
                toSimplified.TryAdd(variant, target);
            }
        }

        var simplifiedOnly = new HashSet<char>();
        foreach (var (simplified, traditional) in ReadPairs(Path.Combine(directory, "STCharacters.txt")))
        {
            if (simplified != traditional && !toSimplified.ContainsKey(simplified))
            {
                simplifiedOnly.Add(simplified);
            }
        }

        return new ScriptTables(toSimplified.ToFrozenDictionary(), simplifiedOnly.ToFrozenSet());
    }

    /// <summary>Maps Traditional and variant characters to Simplified, one UTF-16 unit for one, so offsets stay valid.</summary>
    public char ToSimplified(char c) => _toSimplified.GetValueOrDefault(c, c);

    public bool IsTraditionalOnly(char c) => _toSimplified.TryGetValue(c, out var s) && s != c;

    public bool IsSimplifiedOnly(char c) => _simplifiedOnly.Contains(c);

    /// <summary>
    /// Reads "key&lt;TAB&gt;value [more values]" lines, keeping the first value. Only single BMP characters on both
    /// sides are kept: folding then never changes a string's length, so offsets into folded text are offsets into the original.
    /// </summary>
    private static IEnumerable<(char Key, char Value)> ReadPairs(string path)
    {
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var tab = line.IndexOf('\t');
            if (tab != 1)
            {
                continue;
            }

            var value = line.AsSpan(tab + 1);
            var space = value.IndexOf(' ');
            if (space >= 0)
            {
                value = value[..space];
            }

            if (value.Length == 1 && !char.IsSurrogate(line[0]) && !char.IsSurrogate(value[0]))
            {
                yield return (line[0], value[0]);
            }
        }
    }
}
