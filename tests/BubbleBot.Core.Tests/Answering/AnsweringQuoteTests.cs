using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;

namespace BubbleBot.Core.Tests.Answering;

/// <summary>Quoting the words that answer: dialog turns, both sides, and sources listed once per article.</summary>
public sealed class AnsweringQuoteTests(CoreFixture core) : IClassFixture<CoreFixture>
{
    [Fact]
    public async Task A_transcript_question_is_quoted_with_the_turns_that_answer_it()
    {
        var answer = await core.AskAsync("OpenAI每天为用户提供服务要烧掉多少钱？");

        Assert.False(answer.NoAnswer);
        Assert.Contains(answer.Citations, c => c.Quote.Contains("70万美金", StringComparison.Ordinal));
        Assert.Contains("陆飞：", answer.Text);
    }

    [Theory]
    [InlineData("以后想换个AI模型为啥会跟离婚似的那么难受？")]
    [InlineData("用户为啥以后想换模型都难，好似离婚？")]
    public async Task A_sentence_opening_with_by_then_is_quoted_with_the_sentence_it_points_back_to(string question)
    {
        // "到那时，放弃这款模型……就像经历一场离婚" says why only with the sentence before it; in the second question it
        // is the passage's second sentence quoted ("想换" is the verb "换" after a modal, "似的" a particle).
        var answer = await core.AskAsync(question);

        Assert.False(answer.NoAnswer, answer.Text);
        AssertOneQuoteHas(answer, "记住数年", "离婚");
    }

    [Theory]
    [InlineData("索隆笑主播由朝用到晚，佢笑主播當GPT係咩？")]
    [InlineData("Suo Long mocked the host for using GPT all day long. What did he say the host was really using it as?")]
    [InlineData("Lu Fei is on GPT from when he wakes up till bedtime, so what was Suo Long's first reaction?")]
    public async Task The_reply_asked_for_is_the_other_named_speakers_when_the_passage_is_the_last_named_ones(string question)
    {
        // "the host" is named last, but the passage quoted is the host's own turn: the reply is 索隆's.
        AssertOneQuoteHas(await core.AskAsync(question), "虚拟情人");
    }

    [Theory]
    [InlineData("用户现在说换就换，作者为什么觉得以后不会这样？", "离婚")]
    [InlineData("Bret Taylor 拎邊幾間公司嚟比較？", "Buy.com")]
    [InlineData("主持人点样反驳话人脑同AI差唔多嘅观众？", "模式匹配器")]
    public async Task The_paragraph_is_read_on_past_the_sentence_that_matches_while_the_quote_stays_short(string question, string answerWord)
    {
        // The sentence matching the question sets the scene (the model that knows you, Taylor's analogy, what the
        // brain can do); what it comes to is two or three sentences further on in the same paragraph.
        AssertOneQuoteHas(await core.AskAsync(question), answerWord);
    }

    [Fact]
    public async Task A_passage_under_a_heading_is_about_what_the_heading_names()
    {
        // "更多算力帶來更好嘅模型。……" never says "flywheel" or "Amazon": its heading does.
        AssertOneQuoteHas(await core.AskAsync("how does the amazon-style flywheel loop go?"), "更多算力帶來更好嘅模型");
    }

    [Fact]
    public async Task A_sentence_turning_against_its_paragraph_is_quoted_with_what_it_turns_against()
    {
        // "但是Deepseek就相当于把它划分成不同领域……所以……训练成本会大大降低" answers; what it is (MoE) and what it differs
        // from are the sentences before it.
        AssertOneQuoteHas(await core.AskAsync("deepseek 点样做到训练成本咁低？"), "MoE", "训练成本会大大降低");
    }

    [Fact]
    public async Task Who_pushed_back_on_the_named_speaker_is_answered_by_the_next_speakers_turn()
    {
        // The question names only Roney, whose turn is the passage: the push-back asked for is someone else's turn.
        AssertOneQuoteHas(await core.AskAsync("Roney 话人脑同AI分别唔大，边个反驳佢？"), "这个我不是很认同");
    }

    [Fact]
    public async Task A_sentence_pointing_at_the_one_before_in_its_paragraph_is_quoted_with_it()
    {
        // "呢個落差正正就係泡沫形成嘅地方。" says where only with the sentence that names the gap.
        AssertOneQuoteHas(await core.AskAsync("Tony Lee 篇 blog 話泡沫喺邊度形成？"), "人類嘅貪婪", "呢個落差");
    }

    [Fact]
    public async Task A_figure_two_turns_after_the_question_turn_answers_it()
    {
        // The host asks, a guest asks back ("不知道，多少钱？"), and only the next turn gives the figure.
        var answer = await core.AskAsync("OpenAI 一日淨係答用戶問題要使幾多錢？");

        Assert.False(answer.NoAnswer);
        Assert.Contains(answer.Citations, c => c.Quote.Contains("70万美金", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_english_span_of_time_finds_how_the_article_writes_it()
    {
        // "day" is 日子 or 白天 in a general dictionary; the host says 每天 and 一天.
        var answer = await core.AskAsync("how much cash does openai burn per day?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("70万美金", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_why_question_that_restates_a_lists_conclusion_gets_the_items_that_lead_to_it()
    {
        // The list's last item ("結果：能力飆升，但實際使用率原地踏步") says back what is asked; the items before it say why.
        var answer = await core.AskAsync("點解Tony Lee覺得模型能力飆升,但實際使用率原地踏步?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("遠遠達唔到呢個水平", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_speaker_typed_in_pinyin_is_the_transcripts_speaker()
    {
        // The livestream's front matter lists "Suo Long" as a spelling of 索隆.
        var answer = await core.AskAsync("When Lu Fei admitted he talks to GPT from morning till night, how did Suo Long tease him?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("虚拟情人", StringComparison.Ordinal));
        Assert.Contains("索隆: ", answer.Text);
    }

    [Fact]
    public async Task The_host_called_by_role_is_the_transcripts_host()
    {
        // The livestream's front matter lists 主播 as a way to call 陆飞, who answers Roney's point.
        var answer = await core.AskAsync("Roney觉得人脑同AI冇咩分别，主播点样反驳佢？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("模式匹配器", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reply_turn_is_quoted_whole_even_when_its_first_sentence_already_answers_the_question_turn()
    {
        // 陆飞's reply to 小杜 names the schools to combine in its second sentence.
        var answer = await core.AskAsync("小杜问AI更理想的应用模式，陆飞是怎么回答的？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("专家系统", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_turn_that_trails_off_is_quoted_with_the_turn_that_finishes_it()
    {
        // 陆飞's "花了上亿美金去签……" is corrected by 索隆 in the next turn.
        var answer = await core.AskAsync("meta那个抢人大战到底花了多少钱，挖了几个人");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("140亿美金", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sentence_opening_with_a_back_reference_is_quoted_with_the_sentence_it_refers_to()
    {
        // "到那时，放弃这款模型……就像经历一场离婚" says why only with the sentence before it.
        var answer = await core.AskAsync("為什麼有人說以後要換掉用慣的AI模型會像離婚一樣痛苦？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("购物习惯", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_context_before_a_question_decides_between_sentences_that_answer_it_equally()
    {
        // "是哪个学院？" fits the MIT study and the Wharton survey alike; the context says the other business school.
        var answer = await core.AskAsync("我朋友甩给我一个MIT的研究,说AI对企业没用。但我记得有篇文章提到另一个商学院做的调查,结论正好反过来。是哪个学院?调查结果是啥?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("沃顿商学院", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_question_asking_two_things_gets_the_sentence_that_adds_what_the_best_one_lacks()
    {
        // One sentence of Eason's turn says who he is, a later one tells the joke.
        var answer = await core.AskAsync("讀緊CS博士嘅Eason講咗個咩笑話？佢話而家大家都變成咗乜？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("魔法师", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_short_statement_answering_why_is_quoted_with_the_sentences_that_explain_it()
    {
        // "基準測試分數不斷攀升。" restates the puzzle; the list after it explains.
        var answer = await core.AskAsync("模型跑分越嚟越高，點解Tony Lee話真正用嘅人冇乜增加？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("專家級提問", StringComparison.Ordinal) || c.Quote.Contains("表達唔切", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_author_the_question_names_the_article_by_is_found_in_its_text()
    {
        // 马拉比 names the Mallaby essay, whose last line says who he is.
        var answer = await core.AskAsync("马拉比系边度做嘢㗎？咩职位？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("外交关系协会", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("聽講個直播話奧特曼自己都認咗衰。佢認咗啲咩？", "承认", "直播开始了")]
    [InlineData("马拉比认为OpenAI多久会耗尽资金？", "18 个月", "研究员")]
    public async Task The_name_a_question_calls_its_article_by_makes_no_sentence_an_answer(string question, string answerWord, string notAnAnswer)
    {
        // "直播" and "马拉比" name the article: neither the host's greeting ("我们直播开始了") nor the author note
        // ("马拉比先生是……研究员。") answers because it holds that name.
        var answer = await core.AskAsync(question);

        Assert.DoesNotContain(answer.Citations, c => c.Quote.Contains(notAnAnswer, StringComparison.Ordinal));
        Assert.Contains(answer.Citations, c => c.Quote.Contains(answerWord, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sentence_turning_the_point_is_quoted_with_the_one_it_turns()
    {
        // "泡沫破裂之后，无数公司倒闭。" is followed by "但是你回头看，……奠定了一个基础", which is the host's point.
        var answer = await core.AskAsync("直播里讲当年铺光纤那个例子，想说明什么？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("奠定了一个基础", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_why_question_takes_the_reason_the_next_paragraph_opens_with()
    {
        // The paragraph on circular deals describes them; the next one opens "風險在于……自我加杠桿".
        var answer = await core.AskAsync("Why is Amodei uneasy about the circular deals?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("自我加杠桿", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("纽时那篇专栏的作者是什么人？")]
    [InlineData("who's the writer of the NYT op-ed?")]
    public async Task The_author_of_a_named_article_is_found_where_its_text_names_them(string question)
    {
        var answer = await core.AskAsync(question);

        Assert.Contains("外交关系协会", Assert.Single(answer.Citations.Take(1)).Quote, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_author_expects_is_asked_of_what_they_wrote_not_of_who_they_are()
    {
        var analysis = core.Analyzer.Analyze("in the NYT op-ed, what does the author expect to come next?");

        Assert.DoesNotContain(analysis.Plan.Units, u => u.Label is "马拉比" or "mallaby");
    }

    [Fact]
    public async Task How_long_wants_a_span_of_time_not_a_year()
    {
        var answer = await core.AskAsync("马拉比篇文預測OpenAI仲撐得幾耐先會燒晒啲錢?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("18 个月", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_quote_ending_in_a_reported_question_goes_on_to_its_answer()
    {
        // "…我说这个是什么字呀？" is answered by the next sentence, after the two that set the scene.
        var answer = await core.AskAsync("on the stream what did gpt5 translate the terracotta warriors museum sign as?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("南澳服务区服务站", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sentence_pointing_back_at_the_paragraph_before_is_quoted_with_it()
    {
        // "呢個良性循環好清晰。" opens a paragraph; the loop it names is the paragraph before.
        var answer = await core.AskAsync("Amazon嗰個飛輪效應個循環係點樣轉㗎？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("更多用戶帶來更多收入", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_named_speaker_who_asks_back_is_quoted_with_their_next_turn()
    {
        // 老隐 first asks "什么叫提问题的？", and reacts to the 70万 only in his next turn.
        var answer = await core.AskAsync("陆飞说OpenAI每天烧70万美金，老隐听了怎么说？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("听起来还不是很多", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sentence_announcing_a_list_is_quoted_with_what_it_announces()
    {
        var answer = await core.AskAsync("直播里大川说AI有哪几个数学上的限制？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("P不等于NP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_question_about_a_reply_that_names_nobody_gets_the_next_speakers_turn()
    {
        var answer = await core.AskAsync("有观众说人脑和AI本质上区别没那么大，谁反驳了？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("高级的模式匹配器", StringComparison.Ordinal));
        Assert.Contains("陆飞：", answer.Text);
    }

    [Fact]
    public async Task An_english_figure_finds_the_figure_as_the_article_writes_it()
    {
        var answer = await core.AskAsync("on the stream, who said openai burns 700k usd every day?");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("70万美金", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sentence_applying_an_analogy_is_quoted_with_the_analogy_before_it()
    {
        // "金融狂热其实也是这么回事" closes the fruit-tree story of the paragraph before it.
        var answer = await core.AskAsync("論壇篇嘢將金融狂熱比作乜嘢？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("游牧和狩猎", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bare_why_after_a_question_is_answered_with_reasons_about_its_topic()
    {
        const string first = "OpenAI 會唔會燒晒啲錢？";
        var before = await core.AskAsync(first);
        var answer = await core.Answers.AnswerAsync(new AnswerRequest("點解？", [new ConversationTurn(first, before.Text)]), CancellationToken.None);

        Assert.False(answer.NoAnswer);
        Assert.Contains(answer.Citations, c => c.Quote.Contains("因为", StringComparison.Ordinal) || c.Quote.Contains("因為", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_question_the_speaker_asks_and_answers_in_the_next_paragraph_is_quoted_with_its_answer()
    {
        // 陆飞 ends a paragraph on where AI pays badly, then asks "那么哪些领域……高一些呢？" and answers it.
        var answer = await core.AskAsync("公司AI预算都花在营销工具上，听说这类领域最容易翻车，那哪类场景投资回报会高一点？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("后台的自动化处理", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_comparison_question_quotes_the_likeness()
    {
        var answer = await core.AskAsync("What did Mallaby liken dropping a model that knows you to?");

        Assert.False(answer.NoAnswer);
        Assert.Contains("离婚", answer.Citations[0].Quote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_the_articles_lack_beside_one_they_discuss_is_said_to_be_missing_and_the_rest_is_answered()
    {
        var answer = await core.AskAsync("OpenAI 同 Mistral 比，邊個估值高啲？");

        Assert.False(answer.NoAnswer);
        Assert.NotEmpty(answer.Citations);
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, AnswerLabels.Traditional.AbsentSubject, "Mistral"), answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reply_of_the_speaker_the_question_names_is_quoted_after_the_turn_it_answers()
    {
        var answer = await core.AskAsync("陆飞说他每天从早上一直用GPT用到睡觉，索隆听了怎么回他？");

        Assert.Contains("索隆：", answer.Text);
        Assert.Contains(answer.Citations, c => c.Quote.Contains("虚拟情人", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("奧特曼有冇承認而家係泡沫？")]
    [InlineData("Altman 到底有没有承认现在是泡沫？")]
    public async Task A_yes_or_no_question_about_a_question_in_the_text_gets_the_answer_that_follows_it(string question)
    {
        var answer = await core.AskAsync(question);

        Assert.Contains(answer.Citations, c => c.Quote.Contains("我認為是的", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("did altman say yes when he asked if investors are too excited about AI?")]
    [InlineData("Altman 喺媒體晚宴問投資者係咪太興奮，佢自己點答？")]
    public async Task A_reply_is_scored_and_quoted_with_the_question_it_answers(string question)
    {
        // "我認為是的。" shares no word with the question; the question Altman asked two sentences before it does.
        AssertOneQuoteHas(await core.AskAsync(question), "過于興奮", "我認為是的");
    }

    [Fact]
    public async Task A_why_question_answered_by_a_conclusion_gets_the_reasons_before_it()
    {
        var answer = await core.AskAsync("为什么直播里觉得OpenAI很难去抢谷歌搜索的钱？");

        Assert.Contains(answer.Citations, c => c.Quote.Contains("商业闭环", StringComparison.Ordinal) || c.Quote.Contains("海底电缆", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_series_blurb_is_not_quoted_as_what_the_article_argues()
    {
        var answer = await core.AskAsync("why could this bubble last longer than past ones per the MIT Tech Review piece?");

        Assert.DoesNotContain(answer.Citations, c => c.Quote.Contains("專題系列", StringComparison.Ordinal));
        Assert.Contains(answer.Citations, c => c.Quote.Contains("私募市場", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Both_sides_come_from_the_articles_claims_with_their_stance()
    {
        var answer = await core.AskAsync("AI泡沫论的正反两方各有什么理由？");

        Assert.Contains(answer.Citations, c => c.Stance == Stance.Bubble);
        Assert.Contains(answer.Citations, c => c.Stance == Stance.NotBubble);
        Assert.True(answer.Sources.Count >= 3);
        Assert.All(answer.Citations, c => Assert.Contains(c.Quote, core.Catalog.Find(c.DocId)!.Body));
    }

    [Fact]
    public async Task Each_article_appears_once_in_the_sources_with_all_its_quote_numbers()
    {
        var answer = await core.AskAsync("OpenAI每天为用户提供服务要烧掉多少钱？");

        Assert.Equal(answer.Sources.Count, answer.Sources.Select(s => s.Citation.DocId).Distinct().Count());
        Assert.Equal(answer.Citations.Select(c => c.N).Order(), answer.Sources.SelectMany(s => s.Numbers).Order());
    }

    [Fact]
    public async Task An_english_asker_gets_the_english_title_and_summary_of_a_chinese_article()
    {
        var answer = await core.AskAsync("Why does Mallaby think OpenAI will run out of money?");

        var citation = Assert.Single(answer.Sources, s => s.Citation.DocId == "openai-cash-runway").Citation;
        Assert.Equal("This Is What Convinced Me OpenAI Will Run Out of Money", citation.Title);
        Assert.False(string.IsNullOrWhiteSpace(citation.About));
    }

    private static void AssertOneQuoteHas(Answer answer, params string[] words) =>
        Assert.Contains(answer.Citations, c => words.All(w => c.Quote.Contains(w, StringComparison.Ordinal)));
}
