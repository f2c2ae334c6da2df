using System.Buffers;
using System.Text.RegularExpressions;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace BubbleBot.Core.Retrieval;

/// <summary>
/// Analyses a question once: language, intent and answer type (from <see cref="QuestionCues"/>), the articles it names
/// (their aliases are filters, not words to match), and its content units: Chinese words (jieba) and English words and
/// phrases with their Chinese renderings, weighted by how specific they are in the corpus. Function words of Mandarin,
/// Cantonese and English (<c>data/stopwords.txt</c>) count for nothing; sentences of preamble count less than the
/// sentence that asks.
/// </summary>
public sealed partial class QuestionAnalyzer
{
    /// <summary>Context sentences before the question count for this share of their weight.</summary>
    internal const double PreambleWeight = 0.35;

    /// <summary>A single Chinese character is weak evidence on its own.</summary>
    private const double SingleCharacterWeight = 0.5;

    /// <summary>Second characters that make a verb's result or its completion ("挖走", "赚咗"), not a new word.</summary>
    private const string VerbComplements = "走掉完光晒咗";

    /// <summary>A name the corpus never mentions weighs more than any word it does: the question is about something else.</summary>
    private const double AbsentNameWeight = 1.5;

    /// <summary>An ordinary word the corpus never uses may just be the asker's wording.</summary>
    private const double AbsentWordWeight = 0.2;

    /// <summary>Weight of "今天", "上年", "this year": they date what is asked, so a passage need not repeat them.</summary>
    private const double RelativeTimeWeight = 0.2;

    /// <summary>Share of its weight an alias naming the article gets when the articles' text mentions it (a person).</summary>
    private const double MentionedAliasWeight = 0.5;

    /// <summary>Units carried over from the previous question of a conversation count for this share.</summary>
    private const double CarriedOverWeight = 0.7;

    /// <summary>A synonym from <c>data/synonyms.tsv</c> is nearly as good as the word itself.</summary>
    private const double SynonymCredit = 0.8;

    private const int MaxDictionaryRenderings = 4;

    /// <summary>A rendering found through a rendering's stem or a longer dictionary entry: weak, and only a few of them.</summary>
    private const double IndirectRenderingCredit = 0.4;
    private const int MaxIndirectRenderings = 2;
    private const int MinIndirectWordLength = 5;
    private const double DictionaryCredit = 0.5;

    private static readonly HashSet<string> PersonalPronouns = new(["he", "she", "it", "they", "him", "her", "them", "他", "她", "它", "佢", "他们", "佢哋"], StringComparer.Ordinal);

    private static readonly HashSet<string> Pronouns = new([.. PersonalPronouns, "this", "that"], StringComparer.Ordinal);
    private static readonly HashSet<string> EnglishQuestionWords = new(["what", "who", "whom", "whose", "which", "when", "where", "why", "how"], StringComparer.Ordinal);
    private static readonly HashSet<string> EnglishAuxiliaries = new(["is", "are", "was", "were", "do", "does", "did", "will", "would", "can", "could", "should", "has", "have", "had"], StringComparer.Ordinal);

    private readonly CorpusIndex _index;
    private readonly QueryVocabulary _vocabulary;
    private readonly QuestionCues _cues;
    private readonly ChineseSegmenter _segmenter;
    private readonly List<(string Alias, string ArticleId)> _aliases;
    private readonly Dictionary<string, string> _articleOfLatinAliasWord;
    private readonly ILookup<int, string> _hanNamesByLength;
    private readonly List<(string Spelling, string Name)> _speakerSpellings;
    private readonly HashSet<string> _speakers;
    private readonly HashSet<string> _unmentionedAuthors;
    private readonly ILookup<string, string> _mentionedAuthors;
    private readonly HashSet<string> _authorAliases;

    public QuestionAnalyzer(CorpusIndex index, QueryVocabulary vocabulary, QuestionCues cues, ChineseSegmenter segmenter)
    {
        _index = index;
        _vocabulary = vocabulary;
        _cues = cues;
        _segmenter = segmenter;
        _aliases = [.. index.Articles
            .SelectMany(a => a.Aliases.Select(alias => (Alias: Normalize(alias), ArticleId: a.Id)))
            .Where(a => a.Alias.Length > 1)
            .OrderByDescending(a => a.Alias.Length)];
        // Only names are matched with a typo allowed: an English word of an outlet's name ("review") would match "preview".
        _articleOfLatinAliasWord = _aliases
            .SelectMany(a => LatinWord().Matches(a.Alias).Select(m => (Word: m.Value, a.ArticleId)))
            .Where(w => w.Word.Length >= 6 && (vocabulary.Renderings(w.Word, out var curated).Count == 0 || curated))
            .DistinctBy(w => w.Word)
            .ToDictionary(w => w.Word, w => w.ArticleId, StringComparer.Ordinal);
        // "suo long" is how an English asker types 索隆; each spelling is longer than the name it stands for.
        _speakerSpellings = [.. index.Articles
            .SelectMany(a => a.SpeakerSpellings.SelectMany(s => s.Value.Select(spelling => (Spelling: Normalize(spelling), Name: Normalize(s.Key)))))
            .Where(s => s.Spelling.Length >= s.Name.Length)
            .OrderByDescending(s => s.Spelling.Length)];
        // Transcript speakers' two-character names too: 索龙 for 索隆 is a common slip, and a speaker is named often.
        _speakers = [.. index.Chunks.Select(c => c.Speaker).OfType<string>().Distinct().Select(Normalize)];
        // The aliases in an article's author line name a person. An author its text never mentions is one it says
        // nothing about; Mallaby's essay ends by saying who he is.
        var authors = index.Articles
            .Select(a => (a.Id, a.Aliases, Author: Normalize(a.Author), Body: Normalize(a.Body)))
            .SelectMany(a => a.Aliases.Select(Normalize)
                .Where(alias => a.Author.Contains(alias, StringComparison.Ordinal))
                .Select(alias => (ArticleId: a.Id, Alias: alias, Mentioned: a.Body.Contains(alias, StringComparison.Ordinal))))
            .ToList();
        _unmentionedAuthors = [.. authors.Where(a => !a.Mentioned).Select(a => a.Alias)];
        _mentionedAuthors = authors.Where(a => a.Mentioned).ToLookup(a => a.ArticleId, a => a.Alias);
        _authorAliases = [.. authors.Select(a => a.Alias)];
        var speakers = _speakers.Where(s => s.Length == 2 && s.All(LanguageDetector.IsHan));
        _hanNamesByLength = segmenter.CorpusTerms
            .Where(t => t.Length >= 3 && t.All(LanguageDetector.IsHan) && Enumerable.Range(0, t.Length - 1).All(i => index.DocumentFrequency(t.Substring(i, 2)) > 0))
            .Concat(speakers)
            .Distinct()
            .ToLookup(t => t.Length);
    }

    [GeneratedRegex(@"^\d+(?:\.\d+)?(?:[kmbtx%]|bn)$", RegexOptions.IgnoreCase)]
    private static partial Regex Figure();

    [GeneratedRegex(@"^\d+(?:st|nd|rd|th)$", RegexOptions.IgnoreCase)]
    private static partial Regex Ordinal();

    [GeneratedRegex(@"^(?:19|20)\d\d$")]
    private static partial Regex Year();

    [GeneratedRegex(@"[a-z0-9]+(?:[.'\-][a-z0-9]+)*")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"记得|好像|似乎|印象中|印象里|我以为|我猜|我估|我谂|不太确定|唔记得|\b(?:i think|i thought|iirc|i remember|i guess|was it|wasn't it)\b")]
    private static partial Regex Guess();

    /// <summary>A sentence: up to a Chinese or English terminator; an English full stop ends one only before a space ("3.5" does not).</summary>
    [GeneratedRegex(@"(?:[^。！？!?\n.]|\.(?!\s|$))+(?:[。！？!?\n]+|\.(?=\s|$))?")]
    private static partial Regex Clause();

    /// <summary>Analyses <paramref name="question"/>; a short follow-up borrows the content of <paramref name="previous"/>.</summary>
    public QuestionAnalysis Analyze(string question, string? previous = null)
    {
        var analysis = AnalyzeAlone(question);
        if (previous is null || analysis.Intent != QuestionIntent.Ask || !LeansOnPrevious(question, analysis))
        {
            return analysis;
        }

        var before = AnalyzeAlone(previous);
        var own = analysis.Plan.Units.Select(u => u.Label).ToHashSet(StringComparer.Ordinal);

        // The follow-up's own words win; the previous question's topic comes along with less weight (with its full
        // weight when the follow-up has no words of its own: "为什么？" is about nothing else).
        var carried = own.Count == 0 ? 1.0 : CarriedOverWeight;
        var units = analysis.Plan.Units
            .Concat(before.Plan.Units.Where(u => !own.Contains(u.Label)).Select(u => u with { Weight = u.Weight * carried }))
            .ToList();
        var query = new BooleanQuery { { analysis.Plan.Query, Occur.SHOULD }, { before.Plan.Query, Occur.SHOULD } };
        return analysis with
        {
            AnswerType = analysis.AnswerType == AnswerType.Unknown ? before.AnswerType : analysis.AnswerType,
            Measures = analysis.AnswerType == AnswerType.Unknown ? before.Measures : analysis.Measures,
            NamedArticleIds = analysis.NamedArticleIds.Count > 0 ? analysis.NamedArticleIds : before.NamedArticleIds,
            IsFollowUp = true,
            AsksOnlyAnotherKindOfAnswer = own.Count == 0 && analysis.AnswerType != AnswerType.Unknown && analysis.AnswerType != before.AnswerType,
            Plan = new QueryPlan(query, units, analysis.Plan.TermsOf),
        };
    }

    /// <summary>
    /// Whether the asking sentences refer back to a person or thing by a personal pronoun ("他", "佢哋", "they"); "那个"
    /// more often points at the noun after it ("那个规模法则").
    /// </summary>
    private bool PointsBack(IEnumerable<string> asking) => asking.Any(clause => HasWordOf(clause, PersonalPronouns));

    /// <summary>Whether <paramref name="folded"/> has one of <paramref name="words"/> as a whole Chinese or Latin word.</summary>
    private bool HasWordOf(string folded, HashSet<string> words) =>
        _segmenter.Segment(folded).Any(w => words.Contains(w.Text)) || LatinWord().Matches(folded).Any(m => words.Contains(m.Value));

    /// <summary>A follow-up opens like one, refers back with a pronoun, or has too little content to stand alone.</summary>
    private bool LeansOnPrevious(string question, QuestionAnalysis analysis)
    {
        var folded = Normalize(question);
        var specific = analysis.Plan.Units.Count(u => u.Specificity >= QueryPlan.SpecificThreshold && u.InCorpus);
        return _cues.StartsAsFollowUp(folded) || specific <= 1 && (HasWordOf(folded, Pronouns) || analysis.Plan.Units.Count <= 2);
    }

    private QuestionAnalysis AnalyzeAlone(string question)
    {
        var language = LanguageDetector.Detect(question);
        var folded = WithSpeakersNamed(CorrectHanTypos(Normalize(question)));
        var masked = folded.ToCharArray();
        var namedBy = new List<string>();
        var nameEnds = new List<int>();
        var named = FindNamedArticles(folded, masked, namedBy, nameEnds);
        var endingNamed = false;
        foreach (var end in nameEnds)
        {
            if (EndingAfter(folded, end) is var at and >= 0)
            {
                Array.Fill(masked, ' ', at, 2);
                endingNamed = true;
            }
        }

        var text = new string(masked);
        var clauses = Clause().Matches(text).Where(c => c.Value.Any(char.IsLetterOrDigit)).ToList();
        var focus = FocusClauses(clauses);
        var asking = focus.Order().Select(i => folded.Substring(clauses[i].Index, clauses[i].Length)).ToList();
        // An attempt to change the instructions counts anywhere; both sides are asked for only by the last questions
        // ("他说作者并不看好OpenAI。作者觉得OpenAI会怎样？" and "我說不是很多人看好嗎？奧特曼怎麼說？" are not about both sides).
        var kinds = _cues.KindsIn(folded);
        var intent = kinds.Contains("injection") ? QuestionIntent.Injection
            : asking.TakeLast(2).Any(clause => _cues.KindsIn(clause).Contains("sides")) ? QuestionIntent.Sides
            : QuestionIntent.Ask;
        var answerType = _cues.AnswerTypeIn(asking);
        if (focus.Any(i => FirstAskingWord(clauses[i].Value.ToLowerInvariant()) is { } first && EnglishAuxiliaries.Contains(first)))
        {
            answerType |= AnswerType.YesNo;
        }

        // "纽时那篇的作者是什么来头？" asks about the author by their role: the passages naming them say who they are.
        // "what does the author expect?" asks what they wrote.
        if (kinds.Contains("author") && !kinds.Overlaps(ViewKinds))
        {
            namedBy = [.. namedBy.Concat(named.SelectMany(id => _mentionedAuthors[id])).Distinct()];
        }

        var plan = BuildPlan(question, text, clauses, focus, namedBy);
        // "…the host said Amazon's AI spending is way out of line with what it earns. What were the two numbers?": a
        // question with nothing specific of its own asks about the nearest sentence before it that has something.
        while (!plan.Units.Any(u => u.IsSpecific && !u.IsAlias) && focus.Count > 0 && focus.Min() > 0)
        {
            focus.Add(focus.Min() - 1);
            plan = BuildPlan(question, text, clauses, focus, namedBy);
        }

        // "看到新闻说祖克柏承认可能花错钱。他到底是怎么说的？" names its subject in the story before the question, and the
        // question points back to it: a name of that story the articles know is then part of what is asked.
        if (focus.Count < clauses.Count && PointsBack(focus.Select(i => folded.Substring(clauses[i].Index, clauses[i].Length))))
        {
            plan = plan with { Units = [.. plan.Units.Select(u => !u.InFocus && u.IsName && u.InCorpus && !u.IsAlias ? u with { InFocus = true, Weight = u.Weight / PreambleWeight } : u)] };
        }

        // "他说是50亿美元。我觉得不止，到底是多少？": a figure in a question that asks for one is the asker's guess, which
        // the answer need not repeat. A year ("2028年会烧几多") dates what is asked and stays.
        if (answerType.HasFlag(AnswerType.Amount))
        {
            plan = plan with { Units = [.. plan.Units.Select(u => Figure().IsMatch(u.Label) || u.Label.All(char.IsAsciiDigit) && !Year().IsMatch(u.Label) ? u with { Weight = Math.Min(u.Weight, AbsentWordWeight) } : u)] };
        }

        var absent = plan.Units.Where(u => u.IsName && !u.InCorpus && u.InFocus).Select(u => u.Label).Distinct().ToList();
        return new QuestionAnalysis(question, language, intent, answerType, named, absent, IsFollowUp: false)
        {
            Plan = plan,
            Normalized = folded,
            Measures = answerType.HasFlag(AnswerType.Amount) ? MeasuresOf(folded, plan) : [],
            AsksAboutALaterDay = asking.Any(_cues.AsksAboutALaterDay),
            AsksAboutItsAuthor = namedBy.Count > 0 && namedBy.All(_unmentionedAuthors.Contains) && !kinds.Overlaps(ViewKinds),
            Part = named.Count == 0 ? ArticlePart.Anywhere
                : kinds.Contains("ending") || endingNamed ? ArticlePart.Ending
                : kinds.Contains("opening") ? ArticlePart.Opening
                : ArticlePart.Anywhere,
        };
    }

    /// <summary>
    /// "最后" alone more often means "in the end" ("最后会怎样"); right after the article's name ("帖子最后", "那篇文章的最后")
    /// it is the article's end.
    /// </summary>
    /// <returns>Where that "最后" is, or -1.</returns>
    private static int EndingAfter(string folded, int end)
    {
        var at = end;
        while (at < folded.Length && at - end < 6 && "的里面入度中嘅那这嗰呢个篇帖子文章贴 ".Contains(folded[at]))
        {
            at++;
        }

        return folded.AsSpan(at).StartsWith("最后", StringComparison.Ordinal) && !folded.AsSpan(at).StartsWith("最后会", StringComparison.Ordinal) ? at : -1;
    }

    /// <summary>Cue kinds that ask what someone said, thinks or argued rather than about the person.</summary>
    private static readonly string[] ViewKinds = ["view", "reply", "comparison", "summary", "reason", "sides"];

    private static readonly SearchValues<char> ClauseBreaks = SearchValues.Create("，,。？?！!；;：:、");

    /// <summary>Characters between a measured word and the amount cue after it ("估值是多少", "用户升咗几多").</summary>
    private const int MaxGapBeforeAmountCue = 3;

    /// <summary>Characters between an amount cue and the measured word after it ("多少亿美元的营收").</summary>
    private const int MaxGapAfterAmountCue = 4;

    /// <summary>
    /// The words a Chinese amount question measures: for each amount cue, the specific noun of the articles it counts.
    /// Names are what is measured, not the measure, and common words ("钱", "人") say too little.
    /// </summary>
    private List<QueryUnit> MeasuresOf(string folded, QueryPlan plan)
    {
        var candidates = plan.Units
            .Where(u => u.InFocus && u.InCorpus && !u.IsName && u.IsSubject && !u.IsSingleCharacter && u.Specificity >= QueryPlan.AttributeSpecificity)
            .Select(u => (Unit: u, Label: ScriptFolder.Fold(u.Label).ToLowerInvariant()))
            .ToList();
        var measures = new List<QueryUnit>();
        // English cues measure nothing: English renderings rarely match the articles' wording closely enough to hold a
        // sentence to one word.
        foreach (var (start, end) in _cues.HanOccurrences(folded, "amount"))
        {
            var measure = MeasureAt(start, end);
            if (measure is not null && !measures.Contains(measure))
            {
                measures.Add(measure);
            }
        }

        return measures;

        // "多少个企业老板", "几家中国公司": the noun phrase after the cue ends with what it counts; "估值是多少": else the
        // word just before the cue.
        QueryUnit? MeasureAt(int start, int end) =>
            candidates
                .Select(c => (c.Unit, At: folded.IndexOf(c.Label, end, StringComparison.Ordinal)))
                .Where(c => c.At >= 0 && c.At - end <= MaxGapAfterAmountCue && !folded.AsSpan(end, c.At - end).ContainsAny(ClauseBreaks))
                .OrderByDescending(c => c.At)
                .Select(c => c.Unit)
                .FirstOrDefault()
            ?? candidates
                .Select(c => (c.Unit, End: start > 0 && folded.LastIndexOf(c.Label, start - 1, StringComparison.Ordinal) is >= 0 and var at ? at + c.Label.Length : -1))
                .Where(c => c.End >= 0 && c.End <= start && start - c.End <= MaxGapBeforeAmountCue && !folded.AsSpan(c.End, start - c.End).ContainsAny(ClauseBreaks))
                .OrderByDescending(c => c.End)
                .Select(c => c.Unit)
                .FirstOrDefault();
    }

    private QueryPlan BuildPlan(string question, string text, List<Match> clauses, HashSet<int> focus, List<string> namedBy)
    {
        var builder = new PlanBuilder(this, question);
        var askingPhrases = _cues.AskingPhrases(text).ToList();
        for (var i = 0; i < clauses.Count; i++)
        {
            var factor = focus.Contains(i) ? 1.0 : PreambleWeight;
            builder.AddLatin(text, clauses[i].Index, clauses[i].Index + clauses[i].Length, factor, askingPhrases);
            builder.AddHan(text, clauses[i].Index, clauses[i].Index + clauses[i].Length, factor);
        }

        // Only a person: "直播" in the host's greeting is not what the livestream is about.
        foreach (var alias in namedBy.Where(a => !_speakers.Contains(a) && _authorAliases.Contains(a)))
        {
            builder.AddAuthorMentioned(alias);
        }

        return builder.Build();
    }

    /// <summary>
    /// The first word of an English clause after chat fillers ("wait so did he admit it?" → "did"); null when the clause
    /// opens with other letters (Chinese).
    /// </summary>
    private string? FirstAskingWord(string clause)
    {
        var words = LatinWord().Matches(clause);
        if (words.Count == 0 || clause[..words[0].Index].Any(char.IsLetter))
        {
            return null;
        }

        return words.Select(w => w.Value).FirstOrDefault(w => EnglishAuxiliaries.Contains(w) || EnglishQuestionWords.Contains(w) || !_vocabulary.Stopwords.Contains(w));
    }

    /// <summary>Sentences that ask (a question mark, or the last sentence) are the focus; the others are context.</summary>
    private static HashSet<int> FocusClauses(List<Match> clauses)
    {
        var focus = new HashSet<int>();
        for (var i = 0; i < clauses.Count; i++)
        {
            if (clauses[i].Value.TrimEnd().EndsWith('?') || clauses[i].Value.Contains('？'))
            {
                focus.Add(i);
            }
        }

        // A question without a question mark is all focus, except the sentences before its last when it has several.
        if (focus.Count == 0 && clauses.Count > 0)
        {
            focus.Add(clauses.Count - 1);
        }

        // What follows the question belongs to it if it asks too ("…? and how much did they raise"); a remark that asks
        // nothing ("sounds nuts", "feels like he was subtweeting someone") is context.
        if (clauses.Count > 1 && !focus.Contains(clauses.Count - 1) && focus.Contains(clauses.Count - 2)
            && QuestionCues.HasQuestionWord(ScriptFolder.Fold(clauses[^1].Value).ToLowerInvariant()))
        {
            focus.Add(clauses.Count - 1);
        }

        // "我记得是英国加法国？到底是哪两个？": a guess the asker doubts (asking nothing itself) is context for the question
        // after it, not what is asked.
        foreach (var i in focus.Where(i => i < focus.Max() && ScriptFolder.Fold(clauses[i].Value).ToLowerInvariant() is var clause
            && Guess().IsMatch(clause) && !QuestionCues.HasQuestionWord(clause)).ToList())
        {
            focus.Remove(i);
        }

        return focus;
    }

    /// <summary>Finds the articles a question names by an alias and masks the alias, so it does not count as content.</summary>
    /// <param name="namedBy">The aliases found, in the question's order.</param>
    /// <param name="nameEnds">Where each alias found ends.</param>
    private List<string> FindNamedArticles(string folded, char[] masked, List<string> namedBy, List<int> nameEnds)
    {
        var named = new List<string>();
        foreach (var (alias, articleId) in _aliases)
        {
            for (var at = folded.IndexOf(alias, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(alias, at + 1, StringComparison.Ordinal))
            {
                var latin = alias.Any(char.IsAsciiLetter);
                if (latin && !IsWordAt(folded, at, alias.Length))
                {
                    continue;
                }

                if (masked.AsSpan(at, alias.Length).Contains(' ') && alias.AsSpan().IndexOf(' ') < 0)
                {
                    continue; // Already taken by a longer alias.
                }

                Array.Fill(masked, ' ', at, alias.Length);
                namedBy.Add(alias);
                nameEnds.Add(at + alias.Length);
                if (!named.Contains(articleId))
                {
                    named.Add(articleId);
                }
            }
        }

        // A misspelt author name ("Malaby") still names the article.
        foreach (Match word in LatinWord().Matches(new string(masked)))
        {
            if (word.Length >= 5 && _articleOfLatinAliasWord.Keys.FirstOrDefault(a => a != word.Value && EditDistance.AtMostOne(a, word.Value)) is { } near)
            {
                var articleId = _articleOfLatinAliasWord[near];
                Array.Fill(masked, ' ', word.Index, word.Length);
                if (!named.Contains(articleId))
                {
                    named.Add(articleId);
                }
            }
        }

        return named;
    }

    /// <summary>
    /// Replaces a run of Chinese characters one character away from a name or term of the corpus (扎克伯克 for 扎克伯格,
    /// 马拉笔 for 马拉比) with it, unless the run is a word of its own (马拉松). Lengths are kept, so offsets into the
    /// question stay valid.
    /// </summary>
    private string CorrectHanTypos(string folded)
    {
        char[]? corrected = null;
        foreach (var group in _hanNamesByLength)
        {
            var length = group.Key;
            for (var at = 0; at + length <= folded.Length; at++)
            {
                var window = folded.AsSpan(at, length);
                if (!AllHan(window))
                {
                    continue;
                }

                // The dictionary lookup (under jieba's lock) only for a window that is near a name at all.
                foreach (var term in group)
                {
                    if (OneCharacterApart(window, term))
                    {
                        if (!IsKnownWordAt(folded, at, length) && !StraddlesWord(folded, at, length) && KeepsADistinctiveCharacter(window, term))
                        {
                            corrected ??= folded.ToCharArray();
                            term.CopyTo(corrected.AsSpan(at));
                        }

                        break;
                    }
                }
            }
        }

        return corrected is null ? folded : new string(corrected);
    }

    /// <summary>
    /// A speaker typed in another spelling ("how did suo long tease him?") becomes the name the transcript labels them
    /// with, padded with spaces so every offset into the question still holds.
    /// </summary>
    private string WithSpeakersNamed(string folded)
    {
        foreach (var (spelling, name) in _speakerSpellings)
        {
            for (var at = folded.IndexOf(spelling, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(spelling, at + 1, StringComparison.Ordinal))
            {
                if (IsWordAt(folded, at, spelling.Length))
                {
                    folded = string.Concat(folded.AsSpan(0, at), name.PadRight(spelling.Length), folded.AsSpan(at + spelling.Length));
                }
            }
        }

        return folded;
    }

    private bool IsKnownWordAt(string folded, int at, int length) => !_segmenter.IsUnknown(folded.Substring(at, length));

    /// <summary>
    /// A slip keeps a character that marks the name ("索龙" keeps 索); one that keeps only an everyday character
    /// ("小诗" of 小杜, "老师" of 老隐) is another word.
    /// </summary>
    private bool KeepsADistinctiveCharacter(ReadOnlySpan<char> window, string term)
    {
        for (var i = 0; i < window.Length; i++)
        {
            if (window[i] == term[i] && _segmenter.Frequency(term[i].ToString()) <= EverydayCharacterFrequency)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>jieba counts 小, 老 and 大 tens of thousands of times; a name's own characters (索, 陆, 隆) a few thousand.</summary>
    private const long EverydayCharacterFrequency = 20_000;

    /// <summary>True when the window's first or last character makes a known word with its neighbour: "讲飞轮" holds 飞轮, not a slip for 陆飞.</summary>
    private bool StraddlesWord(string folded, int at, int length) =>
        at > 0 && LanguageDetector.IsHan(folded[at - 1]) && IsKnownWordAt(folded, at - 1, 2)
        || at + length < folded.Length && LanguageDetector.IsHan(folded[at + length]) && IsKnownWordAt(folded, at + length - 1, 2);

    private static bool AllHan(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!LanguageDetector.IsHan(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool OneCharacterApart(ReadOnlySpan<char> window, string term)
    {
        var differences = 0;
        for (var i = 0; i < window.Length && differences < 2; i++)
        {
            if (window[i] != term[i])
            {
                differences++;
            }
        }

        return differences == 1;
    }

    private static bool IsWordAt(string text, int at, int length) =>
        (at == 0 || !char.IsAsciiLetterOrDigit(text[at - 1])) && (at + length >= text.Length || !char.IsAsciiLetterOrDigit(text[at + length]));

    internal static string Normalize(string text) => ScriptFolder.Fold(text).ToLowerInvariant();

    /// <summary>Gathers the units of one question and the Lucene clauses that find them.</summary>
    private sealed class PlanBuilder(QuestionAnalyzer owner, string original)
    {
        private readonly QueryClauses _query = new();
        private readonly Dictionary<string, QueryUnit> _units = new(StringComparer.Ordinal);
        private readonly CorpusIndex _index = owner._index;

        public QueryPlan Build() => new(_query.Query, [.. _units.Values], text => _index.TermsOfText(text));

        public void AddHan(string text, int start, int end, double factor)
        {
            foreach (var segmented in owner._segmenter.Segment(text[start..end]))
            {
                // "想换", "要买": a pair the dictionary does not know, glued from a function character and a verb, is the verb.
                var word = segmented.Text.Length == 2 && owner._segmenter.IsUnknown(segmented.Text) && owner._vocabulary.Stopwords.Contains(segmented.Text[..1])
                    ? new Word(segmented.Text[1..], "v", segmented.Start + 1)
                    : segmented;
                if (!word.Text.All(LanguageDetector.IsHan) || IsFunctionWord(word.Text))
                {
                    continue;
                }

                if (word.Text.Length == 1 && !word.PartOfSpeech.StartsWith('n') && !word.PartOfSpeech.StartsWith('v'))
                {
                    continue; // A lone adjective or adverb ("准", "很") says little about the subject.
                }

                var verb = word.Text.Length == 2 && VerbComplements.Contains(word.Text[1])
                    && _index.DocumentFrequency(Bigrams(word.Text)[0]) == 0 && owner._vocabulary.SynonymsOf(word.Text).Count == 0
                    ? word.Text[..1] : null;
                if (word.Text.Length == 1 || verb is not null)
                {
                    // "挖走", "赚咗" are a verb with its result or completion; the articles say "挖了", "赚取": when the pair
                    // is neither in them nor in a synonym group, the verb alone is the word.
                    var unigram = CorpusIndex.UnigramPrefix + (verb ?? word.Text);
                    Add(new QueryUnit(word.Text, factor * SingleCharacterWeight * 0.4, [new Alternative([unigram])], 0.4, false, true), factor);
                    continue;
                }

                var bigrams = Bigrams(word.Text);
                var frequencies = bigrams.Select(_index.DocumentFrequency).ToArray();
                var ownInCorpus = (double)frequencies.Count(f => f > 0) / bigrams.Length >= Alternative.MinPartialShare;
                foreach (var bigram in bigrams)
                {
                    _query.Add([bigram], IndexFields.Text, factor);
                    AddMetaTerm(bigram, 0.3 * factor);
                }

                if (bigrams.Length > 1 && frequencies.All(f => f > 0))
                {
                    _query.Add(bigrams, IndexFields.Text, factor);
                }

                var alternatives = new List<Alternative> { new(bigrams) { AllowsPartial = bigrams.Length >= 3 } };
                var synonymFrequency = AddSynonyms(word.Text, alternatives, factor);
                var inCorpus = ownInCorpus || synonymFrequency > 0;
                var specificity = ownInCorpus ? Specificity(frequencies.Where(f => f > 0).Min())
                    : synonymFrequency > 0 ? Specificity(synonymFrequency)
                    : 1.0;
                // A new word the segmenter glued to a particle ("俾人", "咁仲有边") is the asker's phrasing, not a name.
                // A two-character word neither jieba nor the articles know is more often a mis-cut ("钱建") or a typo
                // ("索龙") than a name.
                // Another name for a corpus name (黄仁勋 for the forum post's 黄教主) is a name though it has no tag of its own.
                var isName = (owner._segmenter.IsName(word) || word.PartOfSpeech == "x" && owner._vocabulary.SynonymsOf(word.Text).Any(IsCorpusName))
                    && !word.Text.Any(c => owner._vocabulary.Stopwords.Contains(c.ToString()))
                    && (inCorpus || word.Text.Length > 2 || !owner._segmenter.IsUnknown(word.Text))
                    && !IsEverydayWordTaggedAsName(word);
                var label = original.Substring(start + word.Start, word.Text.Length);
                // A word tagged as a name but not taken for one ("图里" in "那张图里") is no subject either.
                var isSubject = isName || word.PartOfSpeech.StartsWith('n') && (inCorpus || !ChineseSegmenter.IsNameTag(word.PartOfSpeech))
                    || word.PartOfSpeech is "vn" or "eng" or "x" or "l" or "i" or "j";
                var weight = WeightOf(specificity, inCorpus, isName);
                Add(new QueryUnit(label, factor * weight, alternatives, specificity, isName, inCorpus, IsSubject: isSubject)
                {
                    IsKnownWord = !owner._segmenter.IsUnknown(word.Text),
                    IsRelativeTime = AnswerShapes.IsRelativeTime(word.Text),
                }, factor);
            }
        }

        /// <summary>
        /// An alias that the articles' text also mentions, a person and not only a byline ("马拉比是哪个机构的？"), counts a
        /// little, so the passage about them ranks first in the article the alias names. A speaker's turns are found by
        /// the speaker bonus instead.
        /// </summary>
        public void AddAuthorMentioned(string alias)
        {
            string[] terms = alias.All(LanguageDetector.IsHan) ? Bigrams(alias) : [.. _index.Analyzer.Analyze(alias).Select(t => t.Term)];
            if (terms.Length == 0 || !AllInCorpus(terms))
            {
                return;
            }

            var specificity = Specificity(terms.Min(_index.DocumentFrequency));
            _query.Add(terms, IndexFields.Text, MentionedAliasWeight);
            Add(new QueryUnit(alias, MentionedAliasWeight * specificity, [new Alternative(terms)], specificity, IsName: true, InCorpus: true) { IsAlias = true }, 1.0);
        }

        /// <summary>A large English figure, matched as typed or as the articles write it ("700k" or 70万).</summary>
        private void AddFigure(string typed, (string Digits, char Unit) figure, double factor)
        {
            var digits = _index.Analyzer.Analyze(figure.Digits).Select(t => t.Term).ToArray();
            var alternatives = new List<Alternative> { new([.. digits, CorpusIndex.UnigramPrefix + figure.Unit]) };
            _query.Add(digits, IndexFields.Text, factor);
            var asTyped = _index.Analyzer.Analyze(typed).Select(t => t.Term).ToArray();
            if (asTyped.Length > 0)
            {
                alternatives.Add(new Alternative(asTyped));
            }

            var frequency = digits.Concat(asTyped).Select(_index.DocumentFrequency).DefaultIfEmpty(0).Max();
            var specificity = frequency > 0 ? Specificity(frequency) : 1.0;
            Add(new QueryUnit(typed, factor * WeightOf(specificity, frequency > 0, false), alternatives, specificity, false, frequency > 0), factor);
        }

        private static string[] Bigrams(string word) => [.. Enumerable.Range(0, word.Length - 1).Select(i => word.Substring(i, 2))];

        /// <summary>
        /// Adds the synonyms of <paramref name="word"/> that occur in the articles ("一日" → "一天", "执笠" → "倒闭") as
        /// alternatives; returns the document frequency of the commonest, or 0 when none occurs.
        /// </summary>
        private int AddSynonyms(string word, List<Alternative> alternatives, double factor)
        {
            var commonest = 0;
            foreach (var synonym in owner._vocabulary.SynonymsOf(word))
            {
                var bigrams = Bigrams(synonym);
                var frequencies = bigrams.Select(_index.DocumentFrequency).ToArray();
                if (frequencies.Any(f => f == 0))
                {
                    continue;
                }

                alternatives.Add(new Alternative(bigrams, SynonymCredit));
                _query.Add(bigrams, IndexFields.Text, factor * SynonymCredit);
                commonest = Math.Max(commonest, frequencies.Min());
            }

            return commonest;
        }

        /// <param name="askingPhrases">Where the question's asking phrases are ("how long"): their words are not content.</param>
        public void AddLatin(string text, int start, int end, double factor, IReadOnlyList<(int Start, int End)> askingPhrases)
        {
            var words = LatinWord().Matches(text, start)
                .Where(m => m.Index + m.Length <= end && !askingPhrases.Any(c => m.Index >= c.Start && m.Index < c.End))
                .ToList();
            for (var i = 0; i < words.Count;)
            {
                var taken = TryPhrase(text, words, i, factor);
                if (taken > 0)
                {
                    i += taken;
                    continue;
                }

                var match = words[i++];
                var scaleWord = i < words.Count && Figures.IsScaleWord(words[i].Value) ? words[i].Value : null;
                if (Figures.InChinese(match.Value, scaleWord) is { } figure)
                {
                    AddFigure(match.Value, figure, factor);
                    i += scaleWord is null ? 0 : 1;
                    continue;
                }

                var word = WithoutClitic(match.Value);
                // An inflected filler is a filler ("looked", "saying").
                if (owner._vocabulary.Stopwords.Contains(word) || QueryVocabulary.BaseFormsOf(word).Any(owner._vocabulary.Stopwords.Contains)
                    || owner._cues.IsAnswerTypeCue(word) || Pronouns.Contains(word) || word.Length == 1 && !char.IsDigit(word[0]))
                {
                    continue;
                }

                var (renderings, curated) = RenderingsInCorpus(word);
                if (renderings.Count == 0 && !InCorpus(word) && owner.IsMisspeltStopword(word))
                {
                    continue; // "actualy", "realy"
                }

                if (renderings.Count == 0 && !InCorpus(word) && (owner.Correct(word) ?? owner.Transposed(word) ?? owner.SplitCompound(word)) is { } corrected)
                {
                    word = corrected;
                    (renderings, curated) = RenderingsInCorpus(word);
                }

                var terms = _index.Analyzer.Analyze(word).Select(t => t.Term).Distinct().ToList();
                if (terms.Count == 0)
                {
                    continue;
                }

                var alternatives = new List<Alternative>();
                foreach (var term in terms)
                {
                    alternatives.Add(new Alternative([term]));
                    _query.Add([term], IndexFields.Text, factor);
                    AddMetaTerm(term, 0.5 * factor);
                }

                AddRenderings(renderings, curated, alternatives, factor);
                if (alternatives.All(a => !AllInCorpus(a.Terms)))
                {
                    // No rendering of the word itself is in the articles: the word a rendering is built on may be
                    // ("breakthrough" → 突破点 → 突破), or a longer dictionary entry the word opens ("terracotta" →
                    // "terracotta army" → 兵马俑), if only a few such words occur.
                    AddIndirectRenderings(word, char.IsUpper(ApproximateOriginal(match)[0]) ? [] : renderings, alternatives, factor);
                }

                var commonest = alternatives.Select(a => a.Terms.Max(_index.DocumentFrequency)).Where(f => f > 0).DefaultIfEmpty(0).Max();
                var inCorpus = commonest > 0;
                var original = ApproximateOriginal(match);
                var isName = IsLatinName(original, match.Index, renderings);
                var specificity = inCorpus ? Specificity(commonest) : 1.0;

                // A word found only through the general dictionary may be the wrong sense ("capital" → 资本).
                var onlyByDictionary = !curated && alternatives.Where(a => AllInCorpus(a.Terms)).All(a => a.Credit < 1);
                var weight = WeightOf(specificity, inCorpus, isName) * (onlyByDictionary && inCorpus ? 0.6 : 1);
                // A bare number ("50", "2021") is in many passages by chance: it counts for coverage, never as evidence.
                // "today", "this year" date what is asked (weighed and kept from the subjects where units are added).
                Add(new QueryUnit(original, factor * weight, alternatives, specificity, isName, inCorpus, IsSubject: !original.All(char.IsDigit))
                {
                    IsRelativeTime = IsRelativeTime(renderings),
                }, factor);
            }
        }

        private bool IsCorpusName(string folded) => owner._segmenter.CorpusTerms.Contains(folded) && owner._segmenter.IsNameWord(folded);

        /// <summary>
        /// jieba tags some everyday words as names ("权衡", "卡住" are persons, "嘉宾" a place); the corpus's own names stay
        /// names.
        /// </summary>
        private bool IsEverydayWordTaggedAsName(Word word) =>
            ChineseSegmenter.IsNameTag(word.PartOfSpeech) && !owner._segmenter.CorpusTerms.Contains(word.Text) && !owner._segmenter.IsUnknown(word.Text)
            && owner._vocabulary.IsEverydayWord(word.Text);

        private static bool IsRelativeTime(IReadOnlyList<string> renderings) => renderings.Any(r => AnswerShapes.IsRelativeTime(ScriptFolder.Fold(r)));

        private string ApproximateOriginal(Match match)
        {
            var text = match.Index + match.Length <= original.Length ? original.Substring(match.Index, match.Length) : match.Value;
            return text[..WithoutClitic(text.ToLowerInvariant()).Length];
        }

        /// <summary>"OpenAI's" → "openai", "what'd" → "what", "can't" → "can": possessives and contractions are not words of their own.</summary>
        private static string WithoutClitic(string word)
        {
            var apostrophe = word.IndexOf('\'');
            return apostrophe > 0 ? word[..apostrophe] : word;
        }

        /// <summary>Capitalised inside a sentence, mixed case or with digits ("xAI", "GPT-5"), or a dictionary noun the corpus lacks.</summary>
        private bool IsLatinName(string word, int at, IReadOnlyList<string> renderings)
        {
            var sentenceStart = at == 0 || original[..at].TrimEnd() is var before && (before.Length == 0 || before[^1] is '.' or '?' or '!' or '。' or '？' or '！');
            if (Figure().IsMatch(word) || Ordinal().IsMatch(word) || word.All(char.IsAsciiDigit) && !Year().IsMatch(word))
            {
                // "500B", "4T", "15x", "100": an amount, and "2nd" a rank, not a name. A year ("2033") names a time the
                // articles may date.
                return false;
            }

            // "per DAY" shouts an everyday word; "NVDA" (no rendering), "GPU" (in the articles) and "NVIDIA" (rendered by a
            // name, 英伟达) are names.
            if (word.Length > 1 && word.All(char.IsUpper) && renderings.Count > 0 && !InCorpus(word.ToLowerInvariant())
                && !renderings.Any(r => owner._segmenter.IsNameWord(ScriptFolder.Fold(r))))
            {
                return false;
            }

            if (word.Skip(1).Any(char.IsUpper) || word.Any(char.IsDigit) && word.Any(char.IsLetter))
            {
                return true;
            }

            // In a Chinese question any capitalised Latin word is a name ("Mistral 最近融了多少钱？").
            if (char.IsUpper(word[0]) && (!sentenceStart || original.Any(LanguageDetector.IsHan)))
            {
                return true;
            }

            // A lowercase word the dictionary renders only with words new to jieba ("bitcoin" → 比特币) names a thing,
            // and so does one no dictionary renders that the Chinese articles keep in Latin letters ("anthropic"). An
            // inflected word ("cranking", rendered through "crank"; "sitting") or one rendered by a word that stands for
            // several English words ("far" → 缅邈: far, remote) is an everyday word.
            return renderings.Count > 0
                ? owner._vocabulary.Renderings(word.ToLowerInvariant(), out _).Count > 0 && !LooksInflected(word)
                    && renderings.All(r => r.Length > 1 && owner._segmenter.IsUnknown(ScriptFolder.Fold(r)) && !owner._vocabulary.IsEverydayWord(ScriptFolder.Fold(r)))
                : word.Length > 2 && InCorpus(word.ToLowerInvariant());
        }

        /// <summary>"sitting", "delayed": an English verb form, which a dictionary may still render with a rare word (在朝).</summary>
        private static bool LooksInflected(string word) => word.Length > 5 && (word.EndsWith("ing", StringComparison.Ordinal) || word.EndsWith("ed", StringComparison.Ordinal));

        /// <summary>Renderings of the word or, when none of those occurs in the corpus, of its base forms ("companies" → "company").</summary>
        private (IReadOnlyList<string> Renderings, bool Curated) RenderingsInCorpus(string word)
        {
            (IReadOnlyList<string>, bool) first = ([], false);
            foreach (var form in QueryVocabulary.Lemmas(word))
            {
                var renderings = owner._vocabulary.Renderings(form, out var curated);
                if (renderings.Any(r => _index.Analyzer.Analyze(r.ToLowerInvariant()) is { Count: > 0 } terms && terms.All(t => _index.DocumentFrequency(t.Term) > 0)))
                {
                    return (renderings, curated);
                }

                if (first.Item1.Count == 0)
                {
                    first = (renderings, curated);
                }
            }

            return first;
        }

        private bool InCorpus(string word) => _index.Analyzer.Analyze(word).Any(t => _index.DocumentFrequency(t.Term) > 0);

        /// <summary>True when every one of <paramref name="terms"/> occurs somewhere in the articles.</summary>
        private bool AllInCorpus(IEnumerable<string> terms) => terms.All(t => _index.DocumentFrequency(t) > 0);

        /// <summary>Multi-word entries of the curated vocabulary ("go broke", "data center") become one unit; inflections and a pronoun inside ("scoop it up") are allowed.</summary>
        private int TryPhrase(string text, List<Match> words, int start, double factor)
        {
            for (var n = Math.Min(QueryVocabulary.MaxPhraseWords + 1, words.Count - start); n >= 2; n--)
            {
                var span = words.GetRange(start, n).Select(w => w.Value).ToList();
                if (text[words[start].Index..(words[start + n - 1].Index + words[start + n - 1].Length)].Any(c => c is '?' or '.' or ',' or '!' or '，' or '？'))
                {
                    continue;
                }

                var core = span.Count > 2 ? span.Where((w, i) => i == 0 || i == span.Count - 1 || !Pronouns.Contains(w)).ToList() : span;
                if (core.Count > QueryVocabulary.MaxPhraseWords || core.Count < 2)
                {
                    continue;
                }

                foreach (var key in Variants(core))
                {
                    var renderings = owner._vocabulary.Renderings(key, out var curated);
                    if (!curated || renderings.Count == 0)
                    {
                        continue;
                    }

                    var alternatives = new List<Alternative>();
                    var englishTerms = _index.Analyzer.Analyze(key).Select(t => t.Term).ToArray();
                    if (englishTerms.Length > 0)
                    {
                        alternatives.Add(new Alternative(englishTerms));
                        _query.Add(englishTerms, IndexFields.Text, factor);
                    }

                    AddRenderings(renderings, curated, alternatives, factor);
                    var present = alternatives.Select(a => a.Terms.Max(_index.DocumentFrequency)).Where(f => f > 0).DefaultIfEmpty(0).Max();
                    var specificity = present > 0 ? Specificity(present) : 1.0;
                    Add(new QueryUnit(key, factor * WeightOf(specificity, present > 0, false), alternatives, specificity, false, present > 0)
                    {
                        IsRelativeTime = IsRelativeTime(renderings),
                    }, factor);
                    return n;
                }
            }

            return 0;
        }

        /// <summary>The phrase as typed, then with each word in its base form ("goes broke" → "go broke").</summary>
        private static IEnumerable<string> Variants(List<string> words)
        {
            yield return string.Join(' ', words);
            var lemmas = words.Select(w => QueryVocabulary.Lemmas(w).Skip(1).Take(2).Prepend(w).ToArray()).ToArray();
            IEnumerable<string> combos = [string.Empty];
            foreach (var options in lemmas)
            {
                combos = combos.SelectMany(prefix => options.Select(o => prefix.Length == 0 ? o : prefix + " " + o)).ToList();
            }

            foreach (var combo in combos.Skip(1))
            {
                yield return combo;
            }
        }

        private void AddRenderings(IReadOnlyList<string> renderings, bool curated, List<Alternative> alternatives, double factor)
        {
            var added = 0;
            foreach (var rendering in renderings)
            {
                if (rendering.Length == 1 && LanguageDetector.IsHan(rendering[0]))
                {
                    // One character ("天" for "day") is checked in the text itself; it is weak evidence.
                    alternatives.Add(new Alternative([CorpusIndex.UnigramPrefix + rendering], DictionaryCredit * 0.5));
                    continue;
                }

                var terms = _index.Analyzer.Analyze(rendering.ToLowerInvariant()).Select(t => t.Term).ToArray();

                // Keep only renderings that occur in the corpus: the general dictionary offers many that never do.
                if (terms.Length == 0 || !AllInCorpus(terms))
                {
                    continue;
                }

                alternatives.Add(new Alternative(terms, curated ? 1.0 : DictionaryCredit));
                if (terms.Min(_index.DocumentFrequency) <= _index.Chunks.Count / 4)
                {
                    _query.Add(terms, IndexFields.Text, factor * (curated ? 1.0 : 0.6));
                }

                if (!curated && ++added >= MaxDictionaryRenderings)
                {
                    break;
                }
            }
        }

        private void AddIndirectRenderings(string word, IReadOnlyList<string> renderings, List<Alternative> alternatives, double factor)
        {
            if (word.Length < MinIndirectWordLength)
            {
                return;
            }

            // A three- or four-character rendering's first or last two characters, when they are a word of their own
            // (not for a name, whose rendering is a transliteration: 澳大利亚 is not about 澳大).
            var stems = renderings
                .Where(r => r.Length is 3 or 4 && r.All(LanguageDetector.IsHan))
                .SelectMany(r => new[] { r[..2], r[^2..] })
                .Where(stem => !owner._segmenter.IsUnknown(stem) && !owner._vocabulary.Stopwords.Contains(stem));
            // One more than allowed is enough to know there are too many.
            var found = new List<string[]>();
            foreach (var rendering in stems.Concat(owner._vocabulary.RenderingsOfPhrasesWith(word)).Distinct())
            {
                var terms = _index.Analyzer.Analyze(rendering).Select(t => t.Term).ToArray();
                if (terms.Length > 0 && AllInCorpus(terms) && found.Count <= MaxIndirectRenderings)
                {
                    found.Add(terms);
                }
            }

            // A word inside many entries ("army", "sign") says too little about which one is meant.
            if (found.Count is 0 or > MaxIndirectRenderings)
            {
                return;
            }

            foreach (var terms in found)
            {
                alternatives.Add(new Alternative(terms, IndirectRenderingCredit));
                _query.Add(terms, IndexFields.Text, factor * IndirectRenderingCredit);
            }
        }

        /// <summary>Adds a unit once (the weightier copy wins); a unit at full weight is part of the sentence that asks.</summary>
        private void Add(QueryUnit unit, double factor)
        {
            // "今天", "上年", "this year" date what is asked: a passage need not repeat them, and they are not its subject.
            unit = unit.IsRelativeTime
                ? unit with { InFocus = factor >= 1, Weight = factor * RelativeTimeWeight, IsSubject = false }
                : unit with { InFocus = factor >= 1 };
            var key = string.Join('|', unit.Alternatives.SelectMany(a => a.Terms));
            if (!_units.TryGetValue(key, out var existing) || existing.Weight < unit.Weight)
            {
                _units[key] = unit;
            }
        }

        private bool IsFunctionWord(string word) =>
            owner._vocabulary.Stopwords.Contains(word) || owner._cues.IsAnswerTypeCue(word)
            || word.All(c => owner._vocabulary.Stopwords.Contains(c.ToString()));

        /// <summary>Metadata repeats on every chunk of an article: only a rare term there is worth scoring.</summary>
        private void AddMetaTerm(string term, double boost)
        {
            if (_index.DocumentFrequency(term) <= _index.Chunks.Count / 10)
            {
                _query.Add([term], IndexFields.Meta, boost);
            }
        }

        /// <summary>From about 0.3 for a term in nearly every passage to 1 for a term in one.</summary>
        private double Specificity(int documentFrequency)
        {
            var count = _index.Chunks.Count;
            if (documentFrequency <= 0 || count <= 1)
            {
                return 1.0;
            }

            var idf = Math.Log((double)count / documentFrequency) / Math.Log(count);
            return 0.3 + (0.7 * Math.Clamp(idf, 0, 1));
        }

        private static double WeightOf(double specificity, bool inCorpus, bool isName) =>
            inCorpus ? specificity : isName ? AbsentNameWeight : AbsentWordWeight;
    }

    /// <summary>A word no dictionary knows one edit from a long stop word ("actualy" for "actually").</summary>
    private bool IsMisspeltStopword(string word) =>
        word.Length >= 5 && _vocabulary.Stopwords.Any(s => s.Length >= 6 && Math.Abs(s.Length - word.Length) <= 1 && s.All(char.IsAsciiLetter) && EditDistance.AtMostOne(s, word));

    /// <summary>A misspelt English word ("budjet") read as the vocabulary word one edit away.</summary>
    private string? Correct(string word) =>
        word.Length < 5 ? null : _vocabulary.SingleWords.FirstOrDefault(w => Math.Abs(w.Length - word.Length) <= 1 && EditDistance.AtMostOne(w, word));

    /// <summary>
    /// A word of the articles typed with two neighbouring letters swapped ("GTP" for "GPT", "Nivdia"): short names are
    /// too short for <see cref="Correct"/>, and a swap is the commonest slip on a keyboard.
    /// </summary>
    private string? Transposed(string word)
    {
        for (var i = 0; word.Length >= 3 && i + 1 < word.Length; i++)
        {
            if (word[i] == word[i + 1] || !char.IsAsciiLetter(word[i]) || !char.IsAsciiLetter(word[i + 1]))
            {
                continue;
            }

            var swapped = string.Concat(word.AsSpan(0, i), [word[i + 1], word[i]], word.AsSpan(i + 2));
            if (_vocabulary.Renderings(swapped, out _).Count > 0 || _index.Analyzer.Analyze(swapped).Any(t => _index.DocumentFrequency(t.Term) > 0))
            {
                return swapped;
            }
        }

        return null;
    }

    /// <summary>A compound typed as one word ("cashflow", "chipmaker", "gpt5") read as the two words the vocabulary or the articles have.</summary>
    private string? SplitCompound(string word)
    {
        // "gpt5" is how people type a model the articles write "GPT-5".
        var digit = word.AsSpan().IndexOfAnyInRange('0', '9');
        if (digit > 1 && word.AsSpan(digit).ContainsAnyExceptInRange('0', '9') is false)
        {
            var split = word[..digit] + " " + word[digit..];
            if (_index.Analyzer.Analyze(split).All(t => _index.DocumentFrequency(t.Term) > 0))
            {
                return split;
            }
        }

        for (var at = 3; word.Length >= 6 && at <= word.Length - 3; at++)
        {
            var phrase = word[..at] + " " + word[at..];
            if (_vocabulary.Renderings(phrase, out _).Count > 0)
            {
                return phrase;
            }
        }

        return null;
    }

    /// <summary>The Lucene query clauses, each term or phrase once per field.</summary>
    private sealed class QueryClauses
    {
        /// <summary>Weight of a question's words in a passage's heading beside the same words in its text.</summary>
        private const double HeadingBoost = 0.5;

        private readonly HashSet<string> _added = new(StringComparer.Ordinal);

        public BooleanQuery Query { get; } = new();

        public void Add(string[] terms, string field, double boost)
        {
            if (!_added.Add(field + "\u0001" + string.Join('\u0001', terms)))
            {
                return;
            }

            if (field == IndexFields.Text)
            {
                // A section heading ("AI 行業開始似足 Amazon 嘅飛輪效應") says what every passage under it is about.
                Add(terms, IndexFields.Heading, boost * HeadingBoost);
            }

            if (terms.Length == 1)
            {
                Query.Add(new TermQuery(new Term(field, terms[0])) { Boost = (float)boost }, Occur.SHOULD);
                return;
            }

            var phrase = new PhraseQuery { Boost = (float)boost };
            foreach (var term in terms)
            {
                phrase.Add(new Term(field, term));
            }

            Query.Add(phrase, Occur.SHOULD);
        }
    }
}

/// <summary>Edit distance checks for spelling tolerance.</summary>
internal static class EditDistance
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> differ by at most one insertion, deletion or substitution.</summary>
    public static bool AtMostOne(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1)
        {
            return false;
        }

        int i = 0, j = 0, edits = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                i++;
                j++;
                continue;
            }

            if (++edits > 1)
            {
                return false;
            }

            if (a.Length > b.Length)
            {
                i++;
            }
            else if (a.Length < b.Length)
            {
                j++;
            }
            else
            {
                i++;
                j++;
            }
        }

        return edits + (a.Length - i) + (b.Length - j) <= 1;
    }
}
