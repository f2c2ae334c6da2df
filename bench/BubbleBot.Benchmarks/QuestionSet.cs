using System.Text.Json;
using BubbleBot.Core.Text;

namespace BubbleBot.Benchmarks;

internal sealed record BenchQuestion(string Language, string Text);

/// <summary>
/// The fixed question set: the hand-written questions shipped with the benchmark, the dev set if given, and
/// generated ones (seeded) in Simplified, Traditional, Cantonese and English built from the real corpus's terms.
/// </summary>
internal static class QuestionSet
{
    public static List<BenchQuestion> Build(string builtInFile, string? devSet, SourceMaterial source, int seed, int generatedPerLanguage)
    {
        var questions = new List<BenchQuestion>();
        foreach (var line in File.ReadLines(builtInFile))
        {
            var tab = line.IndexOf('\t');
            if (!line.StartsWith('#') && tab > 0)
            {
                questions.Add(new BenchQuestion(line[..tab], line[(tab + 1)..].Trim()));
            }
        }

        if (devSet is not null && File.Exists(devSet))
        {
            foreach (var line in File.ReadLines(devSet).Where(l => l.TrimStart().StartsWith('{')))
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                questions.Add(new BenchQuestion(
                    root.TryGetProperty("lang", out var lang) ? lang.GetString() ?? "?" : "?",
                    root.GetProperty("q").GetString() ?? string.Empty));
            }
        }

        var random = new Random(seed);
        for (var i = 0; i < generatedPerLanguage; i++)
        {
            var (a, b) = (HanTerm(random, source.SimplifiedSentences), HanTerm(random, source.SimplifiedSentences));
            questions.Add(new BenchQuestion("zh-Hans", (i % 3) switch
            {
                0 => $"{a}和{b}有什么关系？",
                1 => $"为什么{a}会影响{b}？",
                _ => $"{a}的{b}是多少？",
            }));

            (a, b) = (HanTerm(random, source.TraditionalSentences), HanTerm(random, source.TraditionalSentences));
            questions.Add(new BenchQuestion("zh-Hant", (i % 3) switch
            {
                0 => $"{a}和{b}有什麼關係？",
                1 => $"為什麼{a}會影響{b}？",
                _ => $"{a}的{b}是多少？",
            }));

            (a, b) = (HanTerm(random, source.TraditionalSentences), HanTerm(random, source.TraditionalSentences));
            questions.Add(new BenchQuestion("yue", (i % 3) switch
            {
                0 => $"{a}同{b}有咩關係？",
                1 => $"點解{a}會搞到{b}？",
                _ => $"{a}係咩嚟㗎？",
            }));

            var term = source.CuratedEnglish[random.Next(source.CuratedEnglish.Length)];
            var other = source.CuratedEnglish[random.Next(source.CuratedEnglish.Length)];
            questions.Add(new BenchQuestion("en", (i % 3) switch
            {
                0 => $"What do the articles say about {term}?",
                1 => $"How does {term} relate to {other}?",
                _ => $"Why is {term} part of the AI bubble debate?",
            }));
        }

        return questions;
    }

    /// <summary>A run of 2–4 Han characters from a random sentence: a realistic (if not always meaningful) search term.</summary>
    private static string HanTerm(Random random, string[] sentences)
    {
        while (true)
        {
            var sentence = sentences[random.Next(sentences.Length)];
            var runs = new List<(int Start, int Length)>();
            for (var i = 0; i < sentence.Length;)
            {
                if (!LanguageDetector.IsHan(sentence[i]))
                {
                    i++;
                    continue;
                }

                var start = i;
                while (i < sentence.Length && LanguageDetector.IsHan(sentence[i]))
                {
                    i++;
                }

                if (i - start >= 2)
                {
                    runs.Add((start, i - start));
                }
            }

            if (runs.Count == 0)
            {
                continue;
            }

            var (runStart, runLength) = runs[random.Next(runs.Count)];
            var length = Math.Min(runLength, random.Next(2, 5));
            var offset = random.Next(0, runLength - length + 1);
            return sentence.Substring(runStart + offset, length);
        }
    }
}
