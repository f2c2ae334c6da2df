using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Core.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BubbleBot.Core.Tests.Chat;

/// <summary>The pipeline every adapter uses: what reaches the answer layer, and what the conversation remembers.</summary>
public sealed class ChatPipelineTests
{
    private readonly RecordingAnswers _answers = new();
    private readonly ChatPipeline _pipeline;

    public ChatPipelineTests()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var limits = Options.Create(new RateLimitOptions { PerUserPerMinute = 100 });
        _pipeline = new ChatPipeline(_answers, new UserRateLimiter(limits, time), new ConversationMemory(time), NullLogger<ChatPipeline>.Instance);
    }

    [Fact]
    public async Task A_follow_up_reaches_the_answer_layer_with_the_conversations_previous_turn()
    {
        await _pipeline.HandleAsync(new IncomingQuestion("telegram:1", "chat:1", "马拉比认为OpenAI多久会耗尽资金？"), CancellationToken.None);
        await _pipeline.HandleAsync(new IncomingQuestion("telegram:1", "chat:1", "为什么？"), CancellationToken.None);

        var followUp = _answers.Requests[^1];
        Assert.Equal("为什么？", followUp.Question);
        Assert.Equal("马拉比认为OpenAI多久会耗尽资金？", followUp.PreviousQuestion);
        Assert.Equal("answer to 马拉比认为OpenAI多久会耗尽资金？", Assert.Single(followUp.History!).Answer);
    }

    [Fact]
    public async Task Another_conversation_does_not_see_the_turn()
    {
        await _pipeline.HandleAsync(new IncomingQuestion("telegram:1", "chat:1", "Who is Michael Burry?"), CancellationToken.None);
        await _pipeline.HandleAsync(new IncomingQuestion("telegram:2", "chat:2", "what did he compare it to?"), CancellationToken.None);

        Assert.Null(_answers.Requests[^1].PreviousQuestion);
    }

    [Fact]
    public async Task The_sides_command_asks_for_both_sides_even_without_a_topic()
    {
        var reply = await _pipeline.HandleAsync(new IncomingQuestion("discord:7", "channel:1", "  ", BothSides: true), CancellationToken.None);

        Assert.IsType<ChatReply.Answered>(reply);
        Assert.True(Assert.Single(_answers.Requests).BothSides);
    }

    [Fact]
    public async Task An_empty_question_gets_the_usage_text_and_reaches_no_answer_layer()
    {
        var reply = await _pipeline.HandleAsync(new IncomingQuestion("discord:7", "channel:1", "   "), CancellationToken.None);

        Assert.IsType<ChatReply.Notice>(reply);
        Assert.Empty(_answers.Requests);
    }

    private sealed class RecordingAnswers : IAnswerService
    {
        public List<AnswerRequest> Requests { get; } = [];

        public Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new Answer(request.Question, "answer to " + request.Question, NoAnswer: false, [], AnswerLanguage.English));
        }
    }
}
