using BubbleBot.Telegram.Tests.Infrastructure;

namespace BubbleBot.Telegram.Tests;

/// <summary>Groups where every question is answered (Telegram:AnswerAllInChatIds), and the hand-over on a refusal.</summary>
public sealed class AnswerGroupTests : BotApiTest
{
    private const long OtherGroup = -100888;

    [Fact]
    public async Task Question_like_messages_in_an_answer_group_are_answered_without_a_mention()
    {
        BotHost = await TestHosts.StartPollingAsync(Api, s => s["Telegram:AnswerAllInChatIds:0"] = Updates.GroupChat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Api.Deliver(
            Updates.Group(1, 201, "hello everyone"),
            Updates.Group(2, 202, "Will OpenAI run out of money?"),
            Updates.Group(3, 203, "OpenAI会烧光钱吗"),
            Updates.Group(4, 204, "/help"),
            Updates.Group(5, 301, "Will OpenAI run out of money?", chatId: OtherGroup),
            Updates.Group(6, 302, "/help", chatId: OtherGroup));

        // One chat is handled in order: once the /help reply is there, every earlier message of that chat was decided.
        var replies = await Api.WaitForMessagesAsync(Updates.GroupChat, 3);
        var other = await Api.WaitForMessagesAsync(OtherGroup, 1);

        Assert.Equal([202, 203, 204], replies.Select(r => r.ReplyTo!.Value));
        Assert.Equal(302, Assert.Single(other).ReplyTo);
    }

    [Fact]
    public async Task A_refusal_in_a_group_mentions_the_escalation_user_and_a_private_refusal_does_not()
    {
        BotHost = await TestHosts.StartPollingAsync(Api, s => s["Telegram:EscalationUsername"] = "@support_team");
        Api.Deliver(
            Updates.Group(1, 201, "/ask What is a good recipe for pancakes?"),
            Updates.Group(2, 202, "/ask Will OpenAI run out of money?"),
            Updates.Private(3, 10, "What is a good recipe for pancakes?"));

        var group = await Api.WaitForMessagesAsync(Updates.GroupChat, 2);
        var dm = Assert.Single(await Api.WaitForMessagesAsync(Updates.PrivateChat, 1));

        Assert.EndsWith("@support_team may be able to help.", TelegramHtml.AssertValid(group[0].Text), StringComparison.Ordinal);
        Assert.DoesNotContain("@support_team", group[1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("@support_team", dm.Text, StringComparison.Ordinal);
    }
}
