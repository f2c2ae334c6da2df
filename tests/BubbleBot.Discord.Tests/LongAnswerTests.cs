using System.Text.Json;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Text;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace BubbleBot.Discord.Tests;

/// <summary>Answers longer than one Discord message arrive whole, split at sentence ends, sources in the last part.</summary>
public sealed class LongAnswerTests
{
    // 100 numbered sentences of 50 characters: 5,000 characters, each sentence findable in the output.
    private static readonly string[] Sentences = [.. Enumerable.Range(1, 100).Select(n => $"Sentence {n:D3} {new string('a', 31)} [1]. ")];
    private static readonly string LongText = string.Concat(Sentences).Trim();

    [Fact]
    public async Task A_5000_character_answer_to_a_mention_arrives_as_several_messages_with_nothing_lost()
    {
        await using var bot = await BotHarness.StartAsync(services: LongAnswers);
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("MESSAGE_CREATE", 2, new
        {
            id = "504", channel_id = FakeIds.Channel, guild_id = FakeIds.Guild, type = 0, content = "<@100> tell me everything",
            author = new { id = FakeIds.User, username = "someone", bot = false },
            mentions = new object[] { new { id = FakeIds.Bot, username = "BubbleBot" } },
        });

        var first = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");
        var second = await bot.Discord.NextRequestAsync("POST", $"/channels/{FakeIds.Channel}/messages");

        Assert.Equal(5000, LongText.Length + 1);
        Assert.Equal("504", first.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString());
        Assert.False(second.Body!.Value.TryGetProperty("message_reference", out _));
        AssertWhole([first.Body!.Value, second.Body!.Value]);
    }

    [Fact]
    public async Task A_5000_character_ask_answer_edits_the_response_then_follows_up()
    {
        await using var bot = await BotHarness.StartAsync(services: LongAnswers);
        var connection = await bot.ReadyAsync();
        await connection.SendDispatchAsync("INTERACTION_CREATE", 2, new
        {
            id = "600", application_id = FakeIds.Application, type = 2, token = "interaction-token", channel_id = FakeIds.Channel,
            guild_id = FakeIds.Guild, locale = "en-US", member = new { user = new { id = FakeIds.User, username = "someone" } },
            data = new { id = "800", name = "ask", type = 1, options = new[] { new { name = "question", type = 3, value = "tell me everything" } } },
        });

        var edit = await bot.Discord.NextRequestAsync("PATCH", $"/webhooks/{FakeIds.Application}/interaction-token/messages/@original");
        var followUp = await bot.Discord.NextRequestAsync(r => r.Method == "POST" && r.Path == $"/webhooks/{FakeIds.Application}/interaction-token");

        AssertWhole([edit.Body!.Value, followUp.Body!.Value]);
    }

    private static void AssertWhole(IReadOnlyList<JsonElement> messages)
    {
        var descriptions = messages.Select(m => m.GetProperty("embeds").EnumerateArray().Select(e => e.GetProperty("description").GetString()!).ToList()).ToList();
        var text = string.Join("\n", descriptions.SelectMany(d => d));
        Assert.All(Sentences, s => Assert.Contains(s.Trim(), text, StringComparison.Ordinal));
        Assert.All(descriptions.SelectMany(d => d), d => Assert.True(d.Length <= 4096));
        Assert.Contains("**Sources**", descriptions[^1][^1], StringComparison.Ordinal);
        Assert.DoesNotContain("**Sources**", string.Join("\n", descriptions[0]), StringComparison.Ordinal);
        Assert.All(messages, m => Assert.Empty(m.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray()));
    }

    private static void LongAnswers(IServiceCollection services) => services.AddSingleton<IAnswerService>(new FixedAnswer());

    private sealed class FixedAnswer : IAnswerService
    {
        public Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken) => Task.FromResult(new Answer(
            request.Question, LongText, false,
            [new Citation(1, "what-is-the-ai-bubble", "What even is the AI bubble?", "https://example.org/a", "quote", "Author", "2025-12-15", null)],
            AnswerLanguage.English));
    }
}
