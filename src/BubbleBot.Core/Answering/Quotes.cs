using System.Text.RegularExpressions;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Answering;

/// <summary>A verbatim span of an article to quote, and who says it in a transcript.</summary>
public sealed record QuoteSpan(string DocId, int Start, int End, string? Speaker);

/// <summary>
/// Everything about quoting an article, for extractive and model-written answers alike: its sentences without speaker
/// labels and list markers, picking the sentences that answer (not the ones that repeat the question), following a
/// transcript's question to the turns that answer it, cutting a long quote at a clause break, removing Markdown
/// emphasis from what is shown, and building the citation with its link.
/// </summary>
public static partial class Quotes
{
    /// <summary>One quote (one speaker's words) is cut beyond this many characters.</summary>
    public const int MaxQuoteLength = 220;

    /// <summary>The sentences quoted from one passage (all turns together) stay within this many characters.</summary>
    public const int MaxPassageQuoteLength = 420;

    /// <summary>The sentences after the best one in its paragraph are added while the quote from it stays this short.</summary>
    private const int ContextQuoteLength = 200;

    [GeneratedRegex(@"^\W*(?:所以|因此|因而|于是|於是|那么|那麼|这就意味着|這就意味著|这意味着|這意味著|也就是说|也就是說|可见|可見|结果|結果|so\b|therefore|that's why|this means)", RegexOptions.IgnoreCase)]
    private static partial Regex Conclusion();

    [GeneratedRegex(@"也是这么回事|也是這麼回事|也是这样|也是這樣|同样道理|同樣道理|同样的道理|同樣的道理|也一样|也一樣|the same (?:goes|is true)|likewise", RegexOptions.IgnoreCase)]
    private static partial Regex LikenedBack();

    [GeneratedRegex(@"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")]
    private static partial Regex Emphasis();

    /// <summary>The sentences of a chunk as verbatim spans, with speaker labels and list markers left out.</summary>
    public static List<QuoteSpan> SentencesOf(Article article, Chunk chunk)
    {
        var body = article.Body;
        return [.. Sentences.Split(body, chunk.Start, chunk.End)
            .Select(s => WithoutListMarker(body, WithoutSpeakerLabel(body, s, chunk.Speaker)))
            .Where(s => s.End.Value > s.Start.Value && !IsHeadingLine(body, s))
            .Select(s => new QuoteSpan(article.Id, s.Start.Value, s.End.Value, chunk.Speaker))];
    }

    /// <summary>
    /// The spans of a passage that answer <paramref name="question"/>: the best sentence for answering (covering the
    /// question, of the answer type it wants, not itself a question), with the sentence that names the person a
    /// "他说" refers to, and, when the best match asks something in a transcript, the turns that reply to it.
    /// </summary>
    /// <param name="replyBy">In a transcript, the speaker whose reply the question asks for ("索隆是怎么调侃他的？"): when the
    /// passage is someone else's turn, that speaker's next turn is quoted after it.</param>
    public static List<QuoteSpan> Select(QuestionAnalysis question, Article article, Chunk chunk, IReadOnlyList<Chunk> following, string? replyBy = null)
    {
        var body = article.Body;
        var sentences = SentencesOf(article, chunk);
        if (sentences.Count == 0)
        {
            return [];
        }

        var scores = AnswerScores(question, body, sentences, chunk.Heading);
        var best = scores.IndexOf(scores.Max());
        var picked = new List<QuoteSpan> { sentences[best] };
        var length = Length(sentences[best]);

        // A reply scored with the question it answers is quoted with it: "“我們是否正處于……階段?”他……說道。他接著給出
        // 自己的答案:“我認為是的。”"
        if (AskedBefore(body, sentences, best) is { } asked)
        {
            for (var earlier = best - 1; earlier >= asked && length + Length(sentences[earlier]) <= MaxPassageQuoteLength; earlier--)
            {
                Prepend(sentences[earlier]);
            }
        }

        // "他说：…" names nobody, "到那时……" says when by the sentence before, and "呢個落差……" points at it: take that
        // sentence too.
        else if (best > 0 && (RefersBack(Text(sentences[best])) || PointsBack(Text(sentences[best]))) && SameParagraph(body, sentences[best - 1], sentences[best])
            && length + Length(sentences[best - 1]) <= MaxPassageQuoteLength)
        {
            Prepend(sentences[best - 1]);
        }
        else if (best > 0 && (PointsBack(Text(sentences[best])) && !SameParagraph(body, sentences[best - 1], sentences[best])
            || TurnsThePoint(Text(sentences[best])) && SameParagraph(body, sentences[best - 1], sentences[best])))
        {
            // "呢个良性循环好清晰。" opens a paragraph by pointing at the one before ("更多算力带来更好嘅模型。……"), and
            // "但是Deepseek就相当于把它划分成不同领域……" turns against what its own paragraph said ("它用的是一种叫MoE的稀疏
            // 架构。原来其他的模型是整个大脑一块运行……"): quote that paragraph up to it while the quote stays short.
            for (var earlier = best - 1; earlier >= 0 && length + Length(sentences[earlier]) <= ContextQuoteLength; earlier--)
            {
                Prepend(sentences[earlier]);
                if (earlier == 0 || !SameParagraph(body, sentences[earlier - 1], sentences[earlier]))
                {
                    break;
                }
            }
        }

        var text = Text(sentences[best]);
        if (question.AnswerType.HasFlag(AnswerType.Reason) && Conclusion().IsMatch(text)
            || question.AnswerType.HasFlag(AnswerType.Comparison) && LikenedBack().IsMatch(text))
        {
            // "所以……很难" draws the conclusion the question asks about; the reasons are the sentences before it. In
            // the same way "金融狂热其实也是这么回事" closes an analogy told in the sentences before it.
            // An analogy is often its own paragraph, just before the one applying it.
            var paragraphsToCross = LikenedBack().IsMatch(text) ? 1 : 0;
            for (var earlier = best - 1; earlier >= 0 && length + Length(sentences[earlier]) <= MaxPassageQuoteLength; earlier--)
            {
                if (!SameBlock(body, sentences[earlier], sentences[earlier + 1]) && paragraphsToCross-- <= 0)
                {
                    break;
                }

                Prepend(sentences[earlier]);
                if (AnswerShapes.Fits(Text(sentences[earlier]), AnswerType.Reason))
                {
                    break;
                }
            }
        }

        // A question asking two things ("who is he and what joke did he tell?") may be answered by two sentences.
        var complement = Enumerable.Range(0, sentences.Count)
            .Where(i => !picked.Contains(sentences[i]) && !Sentences.IsQuestion(Text(sentences[i])))
            .Select(i => (Index: i, Adds: question.CoverageBeyond(Text(sentences[i]), text)))
            .DefaultIfEmpty((Index: -1, Adds: 0))
            .MaxBy(c => c.Adds);
        if (complement.Adds >= ComplementShare && length + Length(sentences[complement.Index]) <= MaxPassageQuoteLength)
        {
            // "到那时……" needs the sentence before it here too.
            var second = complement.Index;
            if (second > 0 && !picked.Contains(sentences[second - 1]) && RefersBack(Text(sentences[second]))
                && SameParagraph(body, sentences[second - 1], sentences[second])
                && length + Length(sentences[second]) + Length(sentences[second - 1]) <= MaxPassageQuoteLength)
            {
                Append(sentences[second - 1]);
            }

            Append(sentences[second]);
        }

        // What follows the run of picked sentences that starts with the best one: the rest of this passage, then the
        // next turns of a transcript.
        var last = best;
        while (last + 1 < sentences.Count && picked.Contains(sentences[last + 1]))
        {
            last++;
        }

        var after = sentences.Skip(last + 1).Concat(following.Take(RelevanceJudge.ReplyTurns).SelectMany(c => SentencesOf(article, c))).ToList();
        var tail = sentences[last];
        var lastText = Text(tail);
        while (!WantsMore(question, lastText) && after.Count > 0
            && (SameParagraph(body, tail, after[0]) || Sentences.IsQuestion(Text(after[0])) && after[0].Speaker == chunk.Speaker)
            && after[0].End - sentences[best].Start <= ContextQuoteLength)
        {
            // The sentences after the best one often carry the substance (the figure, the verdict, what the scene it
            // sets came to); a question opening the speaker's next paragraph is one they ask and answer ("那么哪些领域
            // 回报会高一些呢？就是……").
            TakeNext();
        }

        if (after.Count > 0 && TurnsThePoint(Text(after[0])) && SameParagraph(body, picked[^1], after[0])
            && length + Length(after[0]) <= MaxPassageQuoteLength)
        {
            // "泡沫破裂之后，无数公司倒闭。但是你回头看，……": the point is made where the next sentence turns it.
            TakeNext();
        }

        if (WantsMore(question, lastText))
        {
            // The quote ends by asking (or lacks the figure asked for): the answer follows.
            foreach (var next in after)
            {
                if (length + Length(next) > MaxPassageQuoteLength)
                {
                    break;
                }

                Append(next);
                if (Answers(question, Text(next)))
                {
                    break;
                }
            }
        }
        else if (question.AnswerType.HasFlag(AnswerType.Reason) && lastText.Length < ShortStatementLength && !AnswerShapes.Fits(lastText, AnswerType.Reason))
        {
            // "基准测试分数不断攀升。" states what a why-question asks about; the passage goes on to say why.
            foreach (var next in after.Where(s => s.Start < chunk.End).TakeWhile(s => length + Length(s) <= MaxQuoteLength))
            {
                Append(next);
                if (AnswerShapes.Fits(Text(next), AnswerType.Reason))
                {
                    break;
                }
            }
        }

        if (question.AnswerType.HasFlag(AnswerType.Reason) && chunk.Speaker is null
            && !picked.Any(s => AnswerShapes.Fits(Text(s), AnswerType.Reason)))
        {
            // An essay states what a why-question asks about and opens its next paragraph with the why: "但这种想当然的假设
            // 是错误的。生成式人工智能企业……对资本的依赖程度要高得多" after the tech giants' years of losses, "風險在于……"
            // after the circular deals.
            var opening = after.FindIndex(s => s.Start >= picked[^1].End && !SameParagraph(body, picked[^1], s));
            if (opening >= 0 && (TurnsThePoint(Text(after[opening])) || AnswerShapes.Fits(Text(after[opening]), AnswerType.Reason)))
            {
                for (var next = opening; next < Math.Min(after.Count, opening + OpeningSentences) && length + Length(after[next]) <= MaxPassageQuoteLength; next++)
                {
                    Append(after[next]);
                    if (AnswerShapes.Fits(Text(after[next]), AnswerType.Reason) || next + 1 < after.Count && !SameParagraph(body, after[next], after[next + 1]))
                    {
                        break;
                    }
                }
            }
        }

        if (replyBy is not null && chunk.Speaker != replyBy && following.FirstOrDefault(c => c.Speaker == replyBy) is { } reply)
        {
            // A reply that asks back ("什么叫提问题的？") is followed by that speaker's next turn, where they react.
            var replies = Sentences.IsQuestion(reply.Text) ? following.Where(c => c.Speaker == replyBy).Take(2) : [reply];
            foreach (var next in replies.SelectMany(turn => SentencesOf(article, turn)))
            {
                if (length + Length(next) > MaxPassageQuoteLength)
                {
                    break;
                }

                Append(next);
            }
        }

        return MergeBySpeaker(picked, body);

        string Text(QuoteSpan span) => body[span.Start..span.End];

        void Append(QuoteSpan span)
        {
            picked.Add(span);
            length += Length(span);
        }

        void Prepend(QuoteSpan span)
        {
            picked.Insert(0, span);
            length += Length(span);
        }

        void TakeNext()
        {
            tail = after[0];
            Append(tail);
            lastText = Text(tail);
            after.RemoveAt(0);
        }
    }

    /// <summary>Weight of a sentence's coverage of the whole question, context sentences included, beside its coverage of the asking sentence.</summary>
    private const double ContextShare = 0.25;

    /// <summary>Sentences of the next paragraph quoted for the reason it opens with.</summary>
    private const int OpeningSentences = 2;

    /// <summary>A sentence this short states a fact; it cannot also say why.</summary>
    private const int ShortStatementLength = 40;

    /// <summary>A second sentence of the passage is quoted when it adds this much of the question the best one lacks.</summary>
    private const double ComplementShare = 0.15;

    /// <summary>A sentence of which more than this share is the question's own words repeats it.</summary>
    private const double EchoShare = 0.6;

    private static bool WantsMore(QuestionAnalysis question, string text) =>
        Sentences.IsQuestion(text) || TrailsOff(text) || question.EchoOf(text) > EchoShare || Announces(text) || AnswerShapes.IsRequired(question.AnswerType) && !AnswerShapes.HasRequired(text, question.AnswerType);

    /// <summary>A turn cut short ("花了上亿美金去签……"), which the next speaker finishes or corrects.</summary>
    private static bool TrailsOff(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.EndsWith('…') || trimmed.EndsWith("...", StringComparison.Ordinal);
    }

    /// <summary>A sentence that announces what follows ("我想补充几个数学上的限制。", "There are two reasons:").</summary>
    private static bool Announces(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.EndsWith('：') || trimmed.EndsWith(':') || trimmed.Length <= AnnouncementLength && Announcement().IsMatch(ScriptFolder.Fold(trimmed));
    }

    private const int AnnouncementLength = 40;

    [GeneratedRegex(@"几个|几点|几方面|以下|如下|下面|这几|两点|三点|两个原因|三个原因|\b(?:several|the following|a few|two reasons|three reasons)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Announcement();

    /// <summary>A sentence that can end the search for the answer: not a question, and of the kind asked for (a figure, a yes or no).</summary>
    private static bool Answers(QuestionAnalysis question, string text) =>
        !Sentences.IsQuestion(text)
        && (!AnswerShapes.IsRequired(question.AnswerType) || AnswerShapes.HasRequired(text, question.AnswerType))
        && (!question.AnswerType.HasFlag(AnswerType.YesNo) || AnswerShapes.Fits(text, AnswerType.YesNo));

    /// <summary>How much of what only the heading covers a sentence under it is credited with.</summary>
    private const double HeadingShare = 1.0;

    /// <summary>Sentences of a paragraph before a reply that may still be the question it answers ("“……?”他说道。").</summary>
    private const int ReplyDistance = 2;

    /// <summary>
    /// How well each sentence answers. A sentence replying to a question asked just before it in its paragraph is also
    /// scored together with that question, which says what the reply is about ("我認為是的。" answers whether investors
    /// are too excited about AI).
    /// </summary>
    /// <param name="heading">The heading the sentences stand under: what they are about when they do not say it
    /// ("更多算力帶來更好嘅模型。" under "AI 行業開始似足 Amazon 嘅飛輪效應" is the flywheel).</param>
    public static List<double> AnswerScores(QuestionAnalysis question, string body, IReadOnlyList<QuoteSpan> sentences, string? heading = null)
    {
        var scores = new List<double>(sentences.Count);
        var headingTerms = heading is null ? [] : HeadingTerms(question, heading);
        for (var i = 0; i < sentences.Count; i++)
        {
            var text = body[sentences[i].Start..sentences[i].End];
            var terms = question.Plan.TermsOf(text);
            var score = AnswerScore(question, text, terms);
            if (headingTerms.Count > 0)
            {
                score += HeadingShare * (question.Plan.Coverage(new HashSet<string>([.. terms, .. headingTerms], StringComparer.Ordinal), focusOnly: true) - question.Plan.Coverage(terms, focusOnly: true));
            }

            if (AskedBefore(body, sentences, i) is { } asked)
            {
                score = Math.Max(score, AnswerScore(question, body[sentences[asked].Start..sentences[i].End]));
            }

            scores.Add(score);
        }

        return scores;
    }

    /// <summary>
    /// The question's specific words that <paramref name="heading"/> holds. Only those: a heading such as "誰認為這是泡沫?"
    /// would otherwise lend the whole debate's words ("泡沫") to every sentence under it.
    /// </summary>
    private static List<string> HeadingTerms(QuestionAnalysis question, string heading)
    {
        var specific = question.Plan.Units.Where(u => u.IsSpecific).SelectMany(u => u.Alternatives).SelectMany(a => a.Terms).ToHashSet(StringComparer.Ordinal);
        return [.. question.Plan.TermsOf(heading).Where(specific.Contains)];
    }

    /// <summary>The index of the question that sentence <paramref name="reply"/> answers, when one is asked just before it in its paragraph.</summary>
    private static int? AskedBefore(string body, IReadOnlyList<QuoteSpan> sentences, int reply)
    {
        if (Sentences.IsQuestion(body[sentences[reply].Start..sentences[reply].End]))
        {
            return null;
        }

        for (var earlier = reply - 1; earlier >= Math.Max(0, reply - ReplyDistance) && SameParagraph(body, sentences[earlier], sentences[earlier + 1]); earlier--)
        {
            if (Sentences.IsQuestion(body[sentences[earlier].Start..sentences[earlier].End]))
            {
                return earlier;
            }
        }

        return null;
    }

    /// <summary>How well a sentence answers: coverage of the question, the answer type it wants, minus echoing the question.</summary>
    public static double AnswerScore(QuestionAnalysis question, string sentence) => AnswerScore(question, sentence, question.Plan.TermsOf(sentence));

    /// <param name="terms">The question's terms <paramref name="sentence"/> holds, when the caller has them already.</param>
    private static double AnswerScore(QuestionAnalysis question, string sentence, IReadOnlySet<string> terms)
    {
        // A bare "为什么？" after a question wants the reasons about its topic, not the sentence that answered it.
        // The context sentences before the question break ties between sentences covering what it asks equally.
        var score = question.Plan.Coverage(terms, focusOnly: true) * (question.AsksOnlyAnotherKindOfAnswer ? 0.5 : 1)
            + ContextShare * question.Plan.Coverage(terms);
        if (question.AnswerType != AnswerType.Unknown && AnswerShapes.Fits(sentence, question.AnswerType))
        {
            score += question.AsksOnlyAnotherKindOfAnswer ? 0.5 : 0.25;
        }

        if (Sentences.IsQuestion(sentence))
        {
            score -= 0.3;
        }

        // A sentence made of the question's own words says back what was asked; the answer is beside it.
        score -= Math.Max(0, question.EchoOf(sentence) - EchoShare) * 1.5;

        // A sentence about the article itself ("本文为……专题系列的一部分") is a blurb, not what it argues.
        if (AboutTheArticle(sentence))
        {
            score -= 0.5;
        }

        // A very short sentence ("是吧。") rarely answers anything, however many question words it shares.
        if (sentence.Length < 8)
        {
            score -= 0.2;
        }

        return score;
    }

    private static bool AboutTheArticle(string sentence)
    {
        var folded = ScriptFolder.Fold(sentence);
        return folded.Contains("本文", StringComparison.Ordinal) || folded.Contains("系列的一部分", StringComparison.Ordinal)
            || sentence.Contains("this article", StringComparison.OrdinalIgnoreCase) || sentence.Contains("this series", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What a reader is shown of a span: the verbatim text with Markdown emphasis removed, cut at a clause break.</summary>
    public static (string Text, bool Cut) Display(string body, QuoteSpan span, int maxLength = MaxQuoteLength)
    {
        var (start, end) = (span.Start, span.End);
        var cut = false;
        if (end - start > maxLength)
        {
            var limit = start + maxLength;
            var clause = body.LastIndexOfAny(['，', ',', '；', ';', '、', '。', ' '], limit - 1, maxLength / 2);
            end = clause > start ? clause : limit;
            if (char.IsLowSurrogate(body[end]))
            {
                end--;
            }

            cut = true;
        }

        return (Emphasis().Replace(body[start..end], string.Empty).Trim(), cut);
    }

    /// <summary>The citation of a quote: title in the asker's language, the link (with a text fragment where the page carries the corpus text).</summary>
    public static Citation Cite(int n, Article article, string quote, AnswerLanguage language, Stance? stance = null)
    {
        var link = article.Url is null ? null
            : article.UrlCarriesCorpusText ? TextFragmentLink.Create(article.Url, quote)
            : article.Url;
        var about = language == AnswerLanguage.English && article.SummaryEn is { Length: > 0 } summary ? FirstSentence(summary) : null;
        return new Citation(n, article.Id, DisplayTitle(article, language), article.Url, quote, article.Author, article.Published, link, about, stance);
    }

    public static string DisplayTitle(Article article, AnswerLanguage language) =>
        language == AnswerLanguage.English && !string.IsNullOrWhiteSpace(article.TitleEn) ? article.TitleEn : article.Title;

    /// <summary>A speaker label as shown before a quote: "陆飞：" or "Lu Fei: ".</summary>
    public static string SpeakerPrefix(string? speaker, AnswerLanguage language) =>
        speaker is null ? string.Empty : language == AnswerLanguage.English ? $"{speaker}: " : $"{speaker}：";

    private static string FirstSentence(string text)
    {
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 1)];
    }

    [GeneratedRegex(@"^\W*(?:到那时|到那時|那时|那時|这样一来|這樣一來|如此一来|如此一來|这时|這時|then\b|by then\b|at that point\b)", RegexOptions.IgnoreCase)]
    private static partial Regex OpensWithBackReference();

    [GeneratedRegex(@"^\W*(?:这个|這個|呢个|呢個|这种|這種|这些|這些|呢啲|这样的|這樣的|this\b|these\b)", RegexOptions.IgnoreCase)]
    private static partial Regex OpensWithDemonstrative();

    [GeneratedRegex(@"^\W*(?:但是|但|不过|不過|然而|可是|其实|其實|but\b|however\b|yet\b)", RegexOptions.IgnoreCase)]
    private static partial Regex OpensWithContrast();

    /// <summary>A sentence that opens by turning what was just said ("但是你回头看，……", "But …"): the point comes there.</summary>
    private static bool TurnsThePoint(string sentence) => OpensWithContrast().IsMatch(sentence);

    /// <summary>A sentence that opens by pointing at what was just said ("呢个良性循环好清晰。", "This loop is clear.").</summary>
    private static bool PointsBack(string sentence) => OpensWithDemonstrative().IsMatch(sentence);

    private static bool RefersBack(string sentence) =>
        OpensWithBackReference().IsMatch(sentence) || sentence.Length < 120 && (sentence.Contains("他说") || sentence.Contains("他說") || sentence.Contains("她说") || sentence.Contains("她說")
            || sentence.Contains("he said", StringComparison.OrdinalIgnoreCase) || sentence.Contains("she said", StringComparison.OrdinalIgnoreCase)
            || sentence.StartsWith('“') || sentence.StartsWith('「'));

    private static int Length(QuoteSpan span) => span.End - span.Start;

    private static bool SameParagraph(string body, QuoteSpan first, QuoteSpan second) =>
        first.End <= second.Start && body.AsSpan(first.End, second.Start - first.End).IndexOf('\n') < 0;

    /// <summary>One paragraph, or items of one list ("- 基准用专家级提问量度" … "- 结果：……"), which argue as one.</summary>
    private static bool SameBlock(string body, QuoteSpan first, QuoteSpan second)
    {
        if (SameParagraph(body, first, second))
        {
            return true;
        }

        if (first.End > second.Start)
        {
            return false;
        }

        var gap = body.AsSpan(first.End, second.Start - first.End);
        var newline = gap.IndexOf('\n');
        return newline >= 0 && StartsWithListMarker(gap[(newline + 1)..].TrimStart(' ')) && gap.LastIndexOf('\n') == newline
            && StartsWithListMarker(body.AsSpan(LineStart(body, first.Start)).TrimStart(' '));
    }

    /// <summary>"- ", "* " or "+ ": a Markdown bullet.</summary>
    private static bool StartsWithListMarker(ReadOnlySpan<char> text) => text is ['-' or '*' or '+', ' ', ..];

    private static int LineStart(string body, int at) => at == 0 ? 0 : body.LastIndexOf('\n', at - 1) + 1;

    /// <summary>Neighbouring sentences of one speaker (and one paragraph) become one quote.</summary>
    private static List<QuoteSpan> MergeBySpeaker(List<QuoteSpan> spans, string body)
    {
        var merged = new List<QuoteSpan>();
        foreach (var span in spans.OrderBy(s => s.Start))
        {
            // A sentence picked twice (as the answer after a question turn and as part of the reply turn) is one quote.
            if (merged.Count > 0 && merged[^1].Speaker == span.Speaker && (span.Start < merged[^1].End || SameParagraph(body, merged[^1], span)))
            {
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, span.End) };
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged;
    }

    private static bool IsHeadingLine(string body, Range sentence) => body[sentence.Start.Value] == '#';

    /// <summary>A Markdown list marker ("- ", "* ", "1. ") is layout, not words of the article: quotes start after it.</summary>
    private static Range WithoutListMarker(string body, Range sentence)
    {
        var text = body.AsSpan(sentence.Start.Value, sentence.End.Value - sentence.Start.Value);
        var marker = 0;
        if (text.Length > 2 && StartsWithListMarker(text))
        {
            marker = 2;
        }
        else if (text.IndexOf(". ") is > 0 and <= 3 and var dot && !text[..dot].ContainsAnyExcept("0123456789"))
        {
            marker = dot + 2;
        }

        return marker == 0 || marker >= text.Length ? sentence : (sentence.Start.Value + marker)..sentence.End;
    }

    /// <summary>"陆飞: …" → "…": the speaker is shown as a label, not quoted as words.</summary>
    public static Range WithoutSpeakerLabel(string body, Range sentence, string? speaker)
    {
        if (speaker is null)
        {
            return sentence;
        }

        var text = body.AsSpan(sentence.Start.Value, sentence.End.Value - sentence.Start.Value);
        if (!text.StartsWith(speaker, StringComparison.Ordinal) || text.Length <= speaker.Length + 1 || text[speaker.Length] is not (':' or '：'))
        {
            return sentence;
        }

        var start = sentence.Start.Value + speaker.Length + 1;
        while (start < sentence.End.Value && char.IsWhiteSpace(body[start]))
        {
            start++;
        }

        return start..sentence.End;
    }

    /// <summary>Joins quote lines for the answer text: "陆飞：「…」[1]" in Chinese, "Lu Fei: “…” [1]" in English.</summary>
    public static string Line(string? speaker, string quote, bool cut, int n, AnswerLanguage language)
    {
        var shown = cut ? quote + "…" : quote;
        return SpeakerPrefix(speaker, language) + (language == AnswerLanguage.English ? $"“{shown}” [{n}]" : $"「{shown}」[{n}]");
    }
}
