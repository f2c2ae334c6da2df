using System.Globalization;
using System.Text.RegularExpressions;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// An English figure as the Chinese articles write it: "700k" is 70万, "14 billion" is 140亿, "$500B" is 5000亿. The
/// articles count in 万 (10⁴) and 亿 (10⁸), so the digits an English asker types rarely occur in them as typed.
/// </summary>
internal static partial class Figures
{
    [GeneratedRegex(@"^(?<number>\d+(?:\.\d+)?)(?<scale>k|m|mn|mil|b|bn|t|tn)?$")]
    private static partial Regex NumberWithScale();

    private static readonly Dictionary<string, double> Scales = new(StringComparer.Ordinal)
    {
        ["k"] = 1e3, ["thousand"] = 1e3,
        ["m"] = 1e6, ["mn"] = 1e6, ["mil"] = 1e6, ["mill"] = 1e6, ["million"] = 1e6, ["millions"] = 1e6,
        ["b"] = 1e9, ["bn"] = 1e9, ["billion"] = 1e9, ["billions"] = 1e9,
        ["t"] = 1e12, ["tn"] = 1e12, ["trillion"] = 1e12, ["trillions"] = 1e12,
    };

    /// <summary>True when <paramref name="word"/> (lower-case) is a scale word that may follow a number ("million").</summary>
    public static bool IsScaleWord(string word) => word.Length > 2 && Scales.ContainsKey(word);

    /// <summary>
    /// The Chinese digits and unit character (万 or 亿) of <paramref name="number"/> ("700k", "14") with an optional
    /// following <paramref name="scaleWord"/> ("billion"); null when it is not a large figure.
    /// </summary>
    public static (string Digits, char Unit)? InChinese(string number, string? scaleWord)
    {
        var match = NumberWithScale().Match(number);
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var scale = match.Groups["scale"].Success ? match.Groups["scale"].Value : scaleWord;
        if (scale is null || !Scales.TryGetValue(scale, out var multiplier))
        {
            return null;
        }

        value *= multiplier;
        var (unit, size) = value >= 1e8 ? ('亿', 1e8) : value >= 1e4 ? ('万', 1e4) : ('\0', 0);
        return size == 0 ? null : (Math.Round(value / size, 2).ToString("0.##", CultureInfo.InvariantCulture), unit);
    }
}
