using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Feedback;
using BubbleBot.Core.Text;

namespace BubbleBot.Core.Tests.Feedback;

public sealed class FeedbackReportTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-30T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly Article[] Articles =
    [
        Article("cited", "Cited article"),
        Article("quiet", "Quiet article"),
    ];

    [Fact]
    public void Refused_questions_are_grouped_by_similar_wording_with_counts()
    {
        var data = new FeedbackData(
        [
            Q("1", "Who is Sam Altman?", AnswerKind.Refused),
            Q("2", "who is sam altman", AnswerKind.Refused),
            Q("3", "谁是黄仁勋？", AnswerKind.AbsentSubject, language: "SimplifiedChinese"),
            Q("4", "誰是黃仁勳", AnswerKind.Refused, language: "TraditionalChinese"),
            Q("5", "What is the weather?", AnswerKind.Refused),
            Q("6", "Why is AI a bubble?", AnswerKind.Answered, new CitedPassage(1, "cited", "q")),
        ], []);

        var report = FeedbackReport.Build(data, Articles, Now.AddDays(-7), Now);

        Assert.Equal(6, report.Questions);
        Assert.Equal([2, 2, 1], report.Refused.Select(g => g.Count));
        Assert.Contains(report.Refused, g => g.Wordings.Contains("谁是黄仁勋？") && g.Wordings.Contains("誰是黃仁勳"));
        Assert.Contains(report.Refused, g => g.Example == "What is the weather?" && g.Count == 1);
        Assert.Equal(("cited", 1), (report.MostCited.Single().DocId, report.MostCited.Single().Citations));
        Assert.Equal("quiet", Assert.Single(report.NeverCited).DocId);
        Assert.Equal(new LanguageVolume("English", 4, 3), report.Languages[0]);
    }

    [Fact]
    public void Answers_with_more_down_than_up_votes_are_listed_with_their_quotes()
    {
        var data = new FeedbackData(
            [Q("bad", "Is it a bubble?", AnswerKind.Answered, new CitedPassage(1, "cited", "the quote")), Q("good", "Who is Burry?", AnswerKind.Answered)],
            [new VoteRecord("bad", "u1", -1, Now), new VoteRecord("bad", "u2", -1, Now), new VoteRecord("bad", "u3", 1, Now), new VoteRecord("good", "u1", 1, Now)]);

        var report = FeedbackReport.Build(data, Articles, Now.AddDays(-7), Now);

        var down = Assert.Single(report.DownVoted);
        Assert.Equal(("Is it a bubble?", 2, 1), (down.Question, down.Down, down.Up));
        Assert.Equal("the quote", Assert.Single(down.Quotes).Quote);
        Assert.Contains("the quote", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Questions_before_the_period_are_left_out()
    {
        var data = new FeedbackData([Q("old", "old", AnswerKind.Refused) with { At = Now.AddDays(-8) }], []);

        Assert.Equal(0, FeedbackReport.Build(data, Articles, Now.AddDays(-7), Now).Questions);
    }

    [Theory]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("24h", 24 * 60)]
    [InlineData("30m", 30)]
    public void Periods_are_read_in_days_hours_and_minutes(string text, int minutes)
    {
        Assert.True(FeedbackReport.TryParsePeriod(text, out var period));
        Assert.Equal(TimeSpan.FromMinutes(minutes), period);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("d")]
    [InlineData("-1d")]
    [InlineData("3w")]
    public void Other_periods_are_refused(string text) => Assert.False(FeedbackReport.TryParsePeriod(text, out _));

    [Fact]
    public void A_refusal_naming_an_absent_subject_is_told_apart_from_a_plain_refusal()
    {
        var absent = new Answer("q", string.Format(System.Globalization.CultureInfo.InvariantCulture, AnswerLabels.English.AbsentSubject, "Jensen Huang"), true, [], AnswerLanguage.English);
        var refused = new Answer("q", AnswerLabels.English.NoAnswer, true, [], AnswerLanguage.English);

        Assert.Equal(AnswerKind.AbsentSubject, ChatPipeline.KindOf(absent, bothSides: false));
        Assert.Equal(AnswerKind.Refused, ChatPipeline.KindOf(refused, bothSides: false));
        Assert.Equal(AnswerKind.Sides, ChatPipeline.KindOf(refused with { NoAnswer = false }, bothSides: true));
    }

    private static Article Article(string id, string title) =>
        new(id, title, null, "A", null, "zh", null, null, new Dictionary<string, string>(), null, false, "body", id + ".md");

    private static QuestionRecord Q(string id, string text, AnswerKind kind, CitedPassage? citation = null, string language = "English") =>
        new(id, Now.AddHours(-1), "telegram", null, "h", language, text, kind, citation is null ? [] : [citation]);
}
