using System.Text.Json;
using BubbleBot.Discord.Handling;

namespace BubbleBot.Discord.Tests;

public sealed class EventParsingTests
{
    private static readonly DiscordOptions Options = new() { Token = "t" };

    [Theory]
    [InlineData("<@100> why a bubble?", "why a bubble?")]
    [InlineData("<@!100>why a bubble?", "why a bubble?")]
    [InlineData("ask <@200> and <@100> too", "ask <@200> and   too")]
    public void Mention_of_the_bot_is_stripped(string content, string expected) =>
        Assert.Equal(expected, DiscordEvents.StripMention(content, "100"));

    [Fact]
    public void Reply_to_the_bot_continues_its_conversation()
    {
        var message = Parse("""
            {"id":"5","channel_id":"4","guild_id":"3","type":19,"content":"and then?","author":{"id":"2"},"mentions":[],
             "referenced_message":{"id":"9001","author":{"id":"100","bot":true}}}
            """);
        Assert.NotNull(message);
        Assert.Equal("discord:msg:9001", message.ConversationKey);
        Assert.Equal("and then?", message.Text);
    }

    [Fact]
    public void Guilds_outside_the_allow_list_are_ignored_but_direct_messages_are_not()
    {
        var options = new DiscordOptions { Token = "t", AllowedGuildIds = ["777"] };
        var guild = JsonDocument.Parse("""{"id":"5","channel_id":"4","guild_id":"3","content":"<@100> hi","author":{"id":"2"},"mentions":[{"id":"100"}]}""").RootElement;
        var direct = JsonDocument.Parse("""{"id":"6","channel_id":"4","content":"hi","author":{"id":"2"}}""").RootElement;

        Assert.Null(DiscordEvents.ParseMessage(guild, "100", options));
        Assert.Equal("discord:dm:4", DiscordEvents.ParseMessage(direct, "100", options)!.ConversationKey);
    }

    [Fact]
    public void Webhook_and_system_messages_are_ignored()
    {
        Assert.Null(Parse("""{"id":"5","channel_id":"4","content":"<@100> hi","author":{"id":"2"},"webhook_id":"1"}"""));
        Assert.Null(Parse("""{"id":"5","channel_id":"4","type":7,"content":"","author":{"id":"2"}}"""));
    }

    [Fact]
    public void Interaction_in_a_direct_message_takes_the_user_field()
    {
        var interaction = DiscordEvents.ParseInteraction(JsonDocument.Parse("""
            {"id":"1","application_id":"2","type":2,"token":"tok","channel_id":"3","user":{"id":"4"},
             "data":{"name":"ask","options":[{"name":"question","type":3,"value":"why?"}]}}
            """).RootElement);
        Assert.Equal(("4", "why?", (string?)null), (interaction!.UserId, interaction.Question, interaction.GuildId));
    }

    private static IncomingMessage? Parse(string json) => DiscordEvents.ParseMessage(JsonDocument.Parse(json).RootElement, "100", Options);
}
