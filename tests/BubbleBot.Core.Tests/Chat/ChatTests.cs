using BubbleBot.Core.Chat;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BubbleBot.Core.Tests.Chat;

public sealed class ChatTests
{
    [Fact]
    public void Sanitizer_removes_control_and_format_characters_and_collapses_whitespace()
    {
        var clean = QuestionSanitizer.Sanitize("  what\u0000 is\u202E the\t\tbubble\u200B?\r\n ");
        Assert.Equal("what is the bubble?", clean.Text);
        Assert.False(clean.WasTruncated);
    }

    [Fact]
    public void Sanitizer_cuts_long_questions_without_splitting_a_surrogate_pair()
    {
        var raw = new string('a', QuestionSanitizer.MaxLength - 1) + "😀😀😀";

        var clean = QuestionSanitizer.Sanitize(raw);

        Assert.True(clean.WasTruncated);
        Assert.True(clean.Text.Length <= QuestionSanitizer.MaxLength);
        Assert.False(char.IsHighSurrogate(clean.Text[^1]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \u0007\u200B ")]
    public void Sanitizer_reports_an_empty_question(string? raw)
    {
        Assert.True(QuestionSanitizer.Sanitize(raw).IsEmpty);
    }

    [Fact]
    public void Rate_limit_tells_once_then_stays_silent_until_the_window_slides()
    {
        var time = new FakeTimeProvider();
        var limiter = new UserRateLimiter(Options.Create(new RateLimitOptions { PerUserPerMinute = 2 }), time);

        Assert.Equal(RateLimitDecision.Allowed, limiter.TryAcquire("u"));
        Assert.Equal(RateLimitDecision.Allowed, limiter.TryAcquire("u"));
        Assert.Equal(RateLimitDecision.DeniedNotify, limiter.TryAcquire("u"));
        Assert.Equal(RateLimitDecision.DeniedSilent, limiter.TryAcquire("u"));
        Assert.Equal(RateLimitDecision.Allowed, limiter.TryAcquire("someone else"));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RateLimitDecision.Allowed, limiter.TryAcquire("u"));
    }

    [Fact]
    public void Rate_limiter_forgets_idle_users_so_memory_stays_bounded()
    {
        var time = new FakeTimeProvider();
        var limiter = new UserRateLimiter(Options.Create(new RateLimitOptions()), time);
        for (var i = 0; i < 5000; i++)
        {
            limiter.TryAcquire($"user-{i}");
        }

        time.Advance(TimeSpan.FromMinutes(2));
        limiter.TryAcquire("latecomer");

        Assert.Equal(1, limiter.TrackedUsers);
    }

    [Fact]
    public void Conversation_memory_keeps_the_last_turns_and_forgets_after_the_expiry()
    {
        var time = new FakeTimeProvider();
        var memory = new ConversationMemory(time);
        for (var i = 0; i < ConversationMemory.MaxTurns + 2; i++)
        {
            memory.Remember("c", new($"q{i}", $"a{i}"));
        }

        Assert.Equal(ConversationMemory.MaxTurns, memory.Recent("c").Count);
        Assert.Equal($"q{ConversationMemory.MaxTurns + 1}", memory.Recent("c")[^1].Question);

        memory.Alias("c", "reply-42");
        Assert.Equal(memory.Recent("c"), memory.Recent("reply-42"));

        time.Advance(ConversationMemory.Expiry + TimeSpan.FromSeconds(1));
        Assert.Empty(memory.Recent("c"));
    }
}
