using System.Collections;
using System.ComponentModel;
using System.Reflection;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Configuration;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Discord;
using BubbleBot.Llm.Configuration;
using BubbleBot.Telegram.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace BubbleBot.Hosting;

/// <summary>
/// Checks the bot's own settings before anything starts: every key of its sections must be one it knows (a typo is
/// named with the nearest known key), every value must convert to its type, and no secret may come from a settings
/// file. Each problem is one line naming the key.
/// </summary>
public static class SettingsCheck
{
    /// <summary>The bot's own sections and the options class each binds to.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [CorpusOptions.Section] = typeof(CorpusOptions),
        [RetrievalOptions.Section] = typeof(RetrievalOptions),
        [StorageOptions.Section] = typeof(StorageOptions),
        [RateLimitOptions.Section] = typeof(RateLimitOptions),
        [BubbleBot.Core.Feedback.FeedbackOptions.Section] = typeof(BubbleBot.Core.Feedback.FeedbackOptions),
        [TelegramOptions.Section] = typeof(TelegramOptions),
        [DiscordOptions.Section] = typeof(DiscordOptions),
        [LlmOptions.Section] = typeof(LlmOptions),
    };

    public static IReadOnlyList<string> Problems(IConfigurationRoot configuration, JsonConfigurationSource? settingsFile)
    {
        var problems = new List<string>();
        foreach (var top in configuration.GetChildren())
        {
            if (Sections.TryGetValue(top.Key, out var type))
            {
                CheckSection(configuration, top, type, problems);
            }
            else if (top.GetChildren().Any() && Nearest(top.Key, Sections.Keys) is { } section)
            {
                // Only near misses: environment variables add many unrelated top-level keys.
                problems.Add($"'{top.Key}' (from {Origin(configuration, top.GetChildren().First().Path)}) is not a section of the bot's settings; did you mean '{section}'?");
            }
        }

        if (settingsFile is not null)
        {
            var provider = configuration.Providers.FirstOrDefault(p => p is JsonConfigurationProvider json && ReferenceEquals(json.Source, settingsFile));
            foreach (var (section, type) in Sections)
            {
                foreach (var property in type.GetProperties().Where(p => p.IsDefined(typeof(SecretAttribute))))
                {
                    if (provider is not null && provider.TryGet($"{section}:{property.Name}", out var value) && !string.IsNullOrWhiteSpace(value))
                    {
                        problems.Add($"{section}:{property.Name} is set in the settings file '{settingsFile.Path}'; a secret belongs in the environment ({section}__{property.Name}) or in user secrets, never in a file. Remove it from the file.");
                    }
                }
            }
        }

        return problems;
    }

    private static void CheckSection(IConfigurationRoot root, IConfigurationSection section, Type type, List<string> problems)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var nearest = Nearest(child.Key, properties.Select(p => p.Name));
                problems.Add(nearest is null
                    ? $"{child.Path} (from {Origin(root, child.Path)}) is not a setting; {section.Path} knows {string.Join(", ", properties.Select(p => p.Name))}."
                    : $"{child.Path} (from {Origin(root, child.Path)}) is not a setting; did you mean {section.Path}:{nearest}?");
                continue;
            }

            CheckValue(root, child, property.PropertyType, property.IsDefined(typeof(SecretAttribute)), problems);
        }
    }

    private static void CheckValue(IConfigurationRoot root, IConfigurationSection section, Type type, bool secret, List<string> problems)
    {
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(scalar))
        {
            // An empty value leaves the default (or null) in place.
            if (!string.IsNullOrEmpty(section.Value) && !Converts(section.Value, scalar))
            {
                var shown = secret ? "(hidden)" : $"'{section.Value}'";
                problems.Add($"{section.Path} is {shown} (from {Origin(root, section.Path)}), expected {Expected(scalar)}.");
            }

            return;
        }

        var element = ElementType(type);
        if (element is not null)
        {
            foreach (var item in section.GetChildren())
            {
                CheckValue(root, item, element, secret, problems);
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1 ? type.GetGenericArguments()[0]
        : null;

    private static bool Converts(string value, Type type)
    {
        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!) && !value.Trim().All(c => char.IsDigit(c) || c == '-');
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or OverflowException)
        {
            return false;
        }
        catch (Exception ex) when (ex.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number (e.g. 0.4)",
        _ when type == typeof(TimeSpan) => "a duration (e.g. 00:00:30)",
        _ => "a " + type.Name,
    };

    /// <summary>Which source gave the key its value: the last provider that has it wins, as in configuration itself.</summary>
    private static string Origin(IConfigurationRoot root, string key)
    {
        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(key, out _) || provider.GetChildKeys([], key).Any())
            {
                return provider switch
                {
                    JsonConfigurationProvider json when json.Source.Path is { } path && json.Source.FileProvider is { } files
                        => files.GetFileInfo(path).PhysicalPath ?? path,
                    EnvironmentVariablesConfigurationProvider => "the environment",
                    CommandLineConfigurationProvider => "the command line",
                    _ => provider.ToString() ?? "configuration",
                };
            }
        }

        return "configuration";
    }

    /// <summary>The known name closest to <paramref name="key"/> by edit distance, if it is close enough to be a typo.</summary>
    internal static string? Nearest(string key, IEnumerable<string> known)
    {
        var best = known
            .Select(name => (Name: name, Distance: Distance(key.ToLowerInvariant(), name.ToLowerInvariant())))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Name is not null && best.Distance > 0 && best.Distance <= Math.Max(2, key.Length / 3) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

}
