using BubbleBot.Core.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Discord.Messages;

namespace BubbleBot.Discord.Tests;

public sealed class RendererTests
{
    [Fact]
    public void Sources_are_masked_links_with_parentheses_encoded_and_missing_links_named()
    {
        var answer = new Answer("q", "Valuations are high [1]. Nobody knows [2].", false,
        [
            new Citation(1, "a", "A [great] title", "https://example.com/a", "quote", "Ann", "2025-01-02", "https://example.com/a_(x)#:~:text=high%20(very)"),
            new Citation(2, "b", "Blog post", null, "quote", "Bob", null, null),
        ], AnswerLanguage.English);

        var message = Assert.Single(DiscordMessageRenderer.Answer(answer, note: null));

        var embed = Assert.Single(message.Embeds!);
        Assert.Contains("[A \\[great\\] title](https://example.com/a_%28x%29#:~:text=high%20%28very%29) — Ann, 2025-01-02", embed.Description);
        Assert.Contains("**[2]** Blog post — Bob (no public link)", embed.Description);
        Assert.StartsWith("Valuations are high [1]. Nobody knows [2].", embed.Description);
        Assert.Null(message.Content);
    }

    [Fact]
    public void Long_answers_are_split_at_sentence_ends_within_every_limit_with_nothing_lost_and_sources_last()
    {
        var sentence = "The AI boom 😀 looks like earlier bubbles in several ways [1]. ";
        var text = string.Concat(Enumerable.Repeat(sentence, 200));
        var citations = Enumerable.Range(1, 40)
            .Select(n => new Citation(n, "d" + n, new string('T', 300), "https://example.com/" + n, "q", "Author", "2025-12-15",
                "https://example.com/" + n + "#:~:text=" + new string('x', 150)))
            .ToList();
        var answer = new Answer("q", text, false, citations, AnswerLanguage.English);

        var messages = DiscordMessageRenderer.Answer(answer, note: new string('n', 3000));

        Assert.True(messages.Count > 1);
        Assert.True(messages[0].Content!.Length <= DiscordLimits.Content);
        Assert.All(messages.Skip(1), m => Assert.Null(m.Content));
        var embeds = messages.SelectMany(m => m.Embeds!).ToList();
        Assert.All(embeds, e => Assert.True(e.Description!.Length <= DiscordLimits.EmbedDescription));
        Assert.All(messages, m => Assert.True(m.Embeds!.Sum(e => e.CountedLength) <= DiscordLimits.EmbedsTotal));
        Assert.All(embeds, e => AssertNoLoneSurrogate(e.Description!));
        var answerParts = messages.Select(m => m.Embeds![0].Description!).ToList();
        Assert.All(answerParts, p => Assert.EndsWith("[1].", p));
        Assert.Equal(Markdown.Escape(text.Trim()), string.Join(" ", answerParts));
        Assert.Contains("**[1]**", messages[^1].Embeds![^1].Description);
        Assert.All(messages.SkipLast(1), m => Assert.DoesNotContain("**[1]**", m.Embeds![^1].Description));
    }

    [Fact]
    public void Cutting_never_splits_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 50));
        for (var max = 3; max < 40; max++)
        {
            var cut = TextCut.ToLength(text, max);
            Assert.True(cut.Length <= max);
            AssertNoLoneSurrogate(cut);
        }
    }

    [Fact]
    public void Chinese_text_is_cut_after_a_full_stop()
    {
        var text = string.Concat(Enumerable.Repeat("人工智能泡沫的讨论很多。", 50));
        var cut = TextCut.ToLength(text, 100);
        Assert.True(cut.Length <= 100);
        Assert.EndsWith("。 …", cut);
    }

    [Fact]
    public void Markdown_in_answers_is_shown_literally()
    {
        Assert.Equal("\\*\\*bold\\*\\* [1]\\(http://x) \\_a\\_ @everyone", Markdown.Escape("**bold** [1](http://x) _a_ @everyone"));
    }

    [Fact]
    public void Every_payload_kind_carries_allowed_mentions_none()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(
            InteractionResponse.Message(DiscordMessageRenderer.Notice("@everyone hi")), BubbleBot.Discord.Rest.DiscordJson.Options);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[],\"users\":[],\"roles\":[],\"replied_user\":false}", json);
    }

    private static void AssertNoLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                Assert.True(i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]), $"lone high surrogate at {i}");
                i++;
            }
            else
            {
                Assert.False(char.IsLowSurrogate(text[i]), $"lone low surrogate at {i}");
            }
        }
    }
}
