using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Benchmarks;

/// <summary>What a generated corpus holds, as counted by the real loader and chunker.</summary>
internal sealed record CorpusManifest(int Articles, int Chunks, long Characters, long Bytes, int Simplified, int Traditional, int English);

/// <summary>
/// The real corpus's sentences, headings and vocabulary, split by script, to recombine into synthetic articles and
/// questions. Simplified sentences are also converted to Traditional (OpenCC's STCharacters table) and Traditional
/// ones folded to Simplified, so both scripts draw on every article.
/// </summary>
internal sealed partial class SourceMaterial
{
    [GeneratedRegex(@"^#{1,6}\s+(?<heading>.+?)\s*#*$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(?<name>[^\s:：#\-*>]{1,12}?)\s?[:：]\s*")]
    private static partial Regex SpeakerLabel();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex EnglishSentenceEnd();

    [GeneratedRegex(@"^[a-z][a-z \-]{2,24}$")]
    private static partial Regex PlainEnglishTerm();

    private readonly Dictionary<char, char> _toTraditional;

    public SourceMaterial(IReadOnlyList<Article> articles, string dataDirectory)
    {
        _toTraditional = LoadToTraditional(Path.Combine(dataDirectory, "opencc", "STCharacters.txt"));
        var simplified = new List<string>();
        var traditional = new List<string>();
        var headingsS = new List<string>();
        var headingsT = new List<string>();
        var english = new List<string>();
        Authors = [.. articles.Select(a => a.Author).Distinct()];
        foreach (var article in articles)
        {
            var isTraditional = article.Language is "zh-Hant" or "zh-HK" or "zh-TW";
            var body = article.Body;
            foreach (var rawLine in body.Split('\n'))
            {
                var line = rawLine.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                var heading = HeadingLine().Match(line);
                if (heading.Success)
                {
                    (isTraditional ? headingsT : headingsS).Add(heading.Groups["heading"].Value);
                    continue;
                }

                line = SpeakerLabel().Replace(line, string.Empty, 1);
                foreach (var range in Sentences.Split(line, 0, line.Length))
                {
                    var sentence = line[range].Replace("**", string.Empty, StringComparison.Ordinal).TrimStart('>', '-', '*', ' ');
                    if (sentence.Length >= 6 && sentence.Any(LanguageDetector.IsHan))
                    {
                        (isTraditional ? traditional : simplified).Add(sentence);
                    }
                }
            }

            foreach (var text in new[] { article.SummaryEn, article.TitleEn })
            {
                if (!string.IsNullOrWhiteSpace(text))
                {
                    english.AddRange(EnglishSentenceEnd().Split(text.Trim()).Where(s => s.Length >= 20));
                }
            }
        }

        SimplifiedSentences = [.. simplified, .. traditional.Select(s => ScriptFolder.Fold(s))];
        TraditionalSentences = [.. traditional, .. simplified.Select(ToTraditional)];
        SimplifiedHeadings = [.. headingsS, .. headingsT.Select(s => ScriptFolder.Fold(s))];
        TraditionalHeadings = [.. headingsT, .. headingsS.Select(ToTraditional)];
        EnglishSentences = [.. english];

        // The operator's vocabulary gives the debate's English terms and their Chinese renderings.
        var curatedEnglish = new List<string>();
        var curatedChinese = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(dataDirectory, "vocabulary.tsv")))
        {
            var tab = line.IndexOf('\t');
            if (line.StartsWith('#') || tab <= 0)
            {
                continue;
            }

            curatedEnglish.Add(line[..tab]);
            curatedChinese.AddRange(line[(tab + 1)..].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(w => w.All(LanguageDetector.IsHan)));
        }

        CuratedEnglish = [.. curatedEnglish.Distinct()];
        CuratedChinese = [.. curatedChinese.Distinct()];

        // CC-CEDICT gives a long tail of general words in both languages, so that rare terms exist as in real text.
        var dictEnglish = new List<string>();
        var dictChinese = new HashSet<string>();
        using (var gzip = new GZipStream(File.OpenRead(Path.Combine(dataDirectory, "cedict", "en-zh.tsv.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip, Encoding.UTF8))
        {
            while (reader.ReadLine() is { } line)
            {
                var tab = line.IndexOf('\t');
                if (tab <= 0 || line[0] == '#')
                {
                    continue;
                }

                var key = line[..tab];
                if (PlainEnglishTerm().IsMatch(key))
                {
                    dictEnglish.Add(key);
                }

                foreach (var word in line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (word.Length is >= 2 and <= 4 && word.All(LanguageDetector.IsHan))
                    {
                        dictChinese.Add(word);
                    }
                }
            }
        }

        DictionaryEnglish = [.. dictEnglish];
        DictionaryChinese = [.. dictChinese.Order(StringComparer.Ordinal)];
    }

    public string[] Authors { get; }

    public string[] SimplifiedSentences { get; }

    public string[] TraditionalSentences { get; }

    public string[] SimplifiedHeadings { get; }

    public string[] TraditionalHeadings { get; }

    public string[] EnglishSentences { get; }

    public string[] CuratedEnglish { get; }

    public string[] CuratedChinese { get; }

    public string[] DictionaryEnglish { get; }

    public string[] DictionaryChinese { get; }

    /// <summary>Simplified to Traditional, one character for one (OpenCC's first choice), so the text stays realistic.</summary>
    public string ToTraditional(string text) =>
        string.Create(text.Length, (text, _toTraditional), static (span, state) =>
        {
            for (var i = 0; i < state.text.Length; i++)
            {
                span[i] = state._toTraditional.GetValueOrDefault(state.text[i], state.text[i]);
            }
        });

    private static Dictionary<char, char> LoadToTraditional(string path)
    {
        var map = new Dictionary<char, char>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.Length >= 3 && line[0] != '#' && line[1] == '\t' && !char.IsSurrogate(line[0]) && !char.IsSurrogate(line[2]))
            {
                map.TryAdd(line[0], line[2]);
            }
        }

        return map;
    }
}

/// <summary>
/// Deterministic synthetic corpus (seeded <see cref="Random"/>): articles in Simplified, Traditional and English
/// recombined from the real corpus's sentences and terms, with numbers changed and a Zipf-distributed long tail
/// of dictionary words, written as .md files and counted with the real <see cref="CorpusLoader"/> and <see cref="Chunker"/>.
/// </summary>
internal sealed partial class SyntheticCorpus(SourceMaterial source, int seed)
{
    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    private static readonly string[] Speakers = ["主持人", "嘉宾甲", "嘉宾乙", "陆飞", "老隐", "索隆", "分析师", "记者"];

    private static readonly string[] EnglishSubjects =
        ["OpenAI", "Nvidia", "Microsoft", "Google", "Meta", "Amazon", "Oracle", "SoftBank", "Anthropic", "CoreWeave", "investors", "analysts", "the market", "start-ups", "hyperscalers", "venture funds"];

    private static readonly string[] EnglishVerbs =
        ["expects", "warned about", "spent heavily on", "bet on", "questioned", "raised money for", "cut spending on", "doubled down on", "reported", "compared"];

    private static readonly string[] ChineseClauses = ["，这也涉及{0}和{1}", "，与{0}有关", "，{0}同样如此", "，其中包括{0}、{1}", "，有人把它比作{0}"];

    public CorpusManifest Write(string directory, int targetChunks)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        int chunks = 0, articles = 0, simplified = 0, traditional = 0, english = 0;
        long characters = 0, bytes = 0;
        while (chunks < targetChunks)
        {
            var roll = random.NextDouble();
            var language = roll < 0.45 ? "zh-Hans" : roll < 0.8 ? "zh-Hant" : "en";
            var id = $"syn-{articles:D6}";
            var path = Path.Combine(directory, id + ".md");
            var content = language == "en" ? EnglishArticle(random, id) : ChineseArticle(random, id, language);
            if (!CorpusLoader.TryParse(path, content, out var article, out var problem))
            {
                throw new InvalidOperationException($"Generated article {id} does not parse: {problem}");
            }

            var bytesOut = Encoding.UTF8.GetBytes(content);
            File.WriteAllBytes(path, bytesOut);
            chunks += Chunker.Split(article).Count;
            characters += article.Body.Length;
            bytes += bytesOut.Length;
            articles++;
            _ = language switch { "zh-Hans" => simplified++, "zh-Hant" => traditional++, _ => english++ };
        }

        return new CorpusManifest(articles, chunks, characters, bytes, simplified, traditional, english);
    }

    private string ChineseArticle(Random random, string id, string language)
    {
        var traditional = language == "zh-Hant";
        var sentences = traditional ? source.TraditionalSentences : source.SimplifiedSentences;
        var headings = traditional ? source.TraditionalHeadings : source.SimplifiedHeadings;
        var dialogue = random.NextDouble() < 0.15;
        var speakers = dialogue ? Pick(random, Speakers, 3) : [];
        var body = new StringBuilder();
        var targetLength = random.Next(6000, 12000);
        while (body.Length < targetLength)
        {
            body.Append("## ").Append(Trim(headings[random.Next(headings.Length)], 30)).Append("\n\n");
            var paragraphs = random.Next(3, 8);
            for (var p = 0; p < paragraphs; p++)
            {
                if (dialogue)
                {
                    body.Append(speakers[random.Next(speakers.Length)]).Append(": ");
                }

                var count = random.Next(2, 6);
                for (var s = 0; s < count; s++)
                {
                    var sentence = Numbers(random, sentences[random.Next(sentences.Length)]);
                    if (random.NextDouble() < 0.35)
                    {
                        var clause = string.Format(CultureInfo.InvariantCulture, ChineseClauses[random.Next(ChineseClauses.Length)], ChineseTerm(random), ChineseTerm(random));
                        clause = traditional ? source.ToTraditional(clause) : clause;
                        sentence = InsertBeforeEnd(sentence, clause);
                    }

                    body.Append(sentence);
                }

                body.Append("\n\n");
            }
        }

        var title = Trim(sentences[random.Next(sentences.Length)], 28);
        return FrontMatter(random, id, title, EnglishTitle(random), language) + body;
    }

    private string EnglishArticle(Random random, string id)
    {
        var body = new StringBuilder();
        var targetLength = random.Next(6000, 12000);
        while (body.Length < targetLength)
        {
            body.Append("## ").Append(EnglishTitle(random)).Append("\n\n");
            var paragraphs = random.Next(3, 7);
            for (var p = 0; p < paragraphs; p++)
            {
                var count = random.Next(2, 5);
                for (var s = 0; s < count; s++)
                {
                    body.Append(random.NextDouble() < 0.4
                        ? Numbers(random, source.EnglishSentences[random.Next(source.EnglishSentences.Length)])
                        : EnglishSentence(random)).Append(' ');
                }

                body.Length--;
                body.Append("\n\n");
            }
        }

        return FrontMatter(random, id, EnglishTitle(random), null, "en") + body;
    }

    private string FrontMatter(Random random, string id, string title, string? titleEn, string language)
    {
        var summary = string.Join(' ', Enumerable.Range(0, 2).Select(_ => EnglishSentence(random)));
        var date = new DateOnly(2023, 1, 1).AddDays(random.Next(0, 1000));
        var url = random.NextDouble() < 0.5 ? $"https://example.com/bench/{id}" : null;
        var builder = new StringBuilder("---\n")
            .Append("id: ").Append(Quote(id)).Append('\n')
            .Append("title: ").Append(Quote(title)).Append('\n');
        if (titleEn is not null)
        {
            builder.Append("title_en: ").Append(Quote(titleEn)).Append('\n');
        }

        builder.Append("author: ").Append(Quote(source.Authors[random.Next(source.Authors.Length)])).Append('\n')
            .Append("published: ").Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n')
            .Append("language: ").Append(Quote(language)).Append('\n')
            .Append("source: \"synthetic benchmark corpus\"\n")
            .Append("url: ").Append(url is null ? "null" : Quote(url)).Append('\n')
            .Append("url_matches_text: false\n")
            .Append("summary_en: ").Append(Quote(summary)).Append('\n')
            .Append("---\n\n");
        return builder.ToString();
    }

    private string EnglishSentence(Random random)
    {
        var subject = EnglishSubjects[random.Next(EnglishSubjects.Length)];
        var verb = EnglishVerbs[random.Next(EnglishVerbs.Length)];
        var term = EnglishTerm(random);
        var other = EnglishTerm(random);
        return random.Next(4) switch
        {
            0 => $"{subject} {verb} {term} in {random.Next(2019, 2031)}, according to people familiar with {other}.",
            1 => $"In the debate about {term}, {subject} {verb} {other} worth ${random.Next(1, 500)} billion.",
            2 => $"Critics say {term} looks like {other}, and {subject} {verb} it anyway.",
            _ => $"{subject} {verb} {term} while {random.Next(2, 90)}% of surveyed firms still doubt {other}.",
        };
    }

    private string EnglishTitle(Random random) =>
        CultureInfo.InvariantCulture.TextInfo.ToTitleCase($"{EnglishTerm(random)} and {EnglishTerm(random)}");

    /// <summary>Half from the debate's own vocabulary, half Zipf-distributed over the general dictionary.</summary>
    private string EnglishTerm(Random random) =>
        random.NextDouble() < 0.5 ? source.CuratedEnglish[random.Next(source.CuratedEnglish.Length)] : source.DictionaryEnglish[Zipf(random, source.DictionaryEnglish.Length)];

    private string ChineseTerm(Random random) =>
        random.NextDouble() < 0.4 ? source.CuratedChinese[random.Next(source.CuratedChinese.Length)] : source.DictionaryChinese[Zipf(random, source.DictionaryChinese.Length)];

    /// <summary>Rank with probability about 1/rank (s = 1), so few words are common and most are rare.</summary>
    private static int Zipf(Random random, int count) =>
        Math.Min(count - 1, (int)Math.Floor(Math.Exp(random.NextDouble() * Math.Log(count + 1))) - 1);

    private static string Numbers(Random random, string sentence) =>
        random.NextDouble() < 0.5 ? sentence : Digits().Replace(sentence, m => random.Next((int)Math.Pow(10, Math.Min(m.Length, 6) - 1), (int)Math.Pow(10, Math.Min(m.Length, 6))).ToString(CultureInfo.InvariantCulture));

    private static string InsertBeforeEnd(string sentence, string clause)
    {
        var end = sentence.Length;
        while (end > 0 && "。！？；…」”）".Contains(sentence[end - 1]))
        {
            end--;
        }

        return sentence[..end] + clause + sentence[end..];
    }

    private static string Trim(string text, int max)
    {
        var cut = text.IndexOfAny(['，', '。', '？', '！', ',', '：']);
        text = cut > 4 ? text[..cut] : text;
        return text.Length > max ? text[..max] : text;
    }

    private static string[] Pick(Random random, string[] items, int count) =>
        [.. items.OrderBy(_ => random.Next()).Take(count)];

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "\"";
}
