using BubbleBot.Core.Chat;
using BubbleBot.Discord.Gateway;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace BubbleBot.Discord.Tests;

/// <summary>The reconnect and back-off rules as plain code, without sockets (jitter fixed at 0.5: 75 % of each ceiling).</summary>
public sealed class ReconnectPolicyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Failed_connections_back_off_exponentially_up_to_the_cap()
    {
        var policy = new ReconnectPolicy(new FixedJitter(0.5), _time);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            delays.Add(policy.NextDelay(null, ConnectMode.Resume));
            policy.ConnectionEnded(ConnectMode.Identify, established: false);
        }

        Assert.Equal([0, 0, 0.75, 1.5, 3, 6, 12, 24, 48, 90], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void An_established_connection_resets_the_failure_count_and_a_requested_delay_wins()
    {
        var policy = new ReconnectPolicy(new FixedJitter(0.5), _time);
        policy.ConnectionEnded(ConnectMode.Resume, established: false);
        policy.ConnectionEnded(ConnectMode.Resume, established: false);
        policy.ConnectionEnded(ConnectMode.Resume, established: true);

        Assert.Equal(TimeSpan.Zero, policy.NextDelay(null, ConnectMode.Resume));
        Assert.Equal(TimeSpan.FromSeconds(3), policy.NextDelay(TimeSpan.FromSeconds(3), ConnectMode.Resume));
    }

    [Fact]
    public void Resuming_is_given_up_after_three_failed_attempts_in_a_row()
    {
        var policy = new ReconnectPolicy(new FixedJitter(0.5), _time);
        Assert.False(policy.ConnectionEnded(ConnectMode.Resume, established: false));
        Assert.False(policy.ConnectionEnded(ConnectMode.Resume, established: false));
        Assert.True(policy.ConnectionEnded(ConnectMode.Resume, established: false));

        // A successful resume starts the count again.
        Assert.False(policy.ConnectionEnded(ConnectMode.Resume, established: false));
        Assert.False(policy.ConnectionEnded(ConnectMode.Resume, established: true));
        Assert.False(policy.ConnectionEnded(ConnectMode.Resume, established: false));
        Assert.False(policy.ConnectionEnded(ConnectMode.Resume, established: false));
    }

    [Fact]
    public void Fresh_sessions_back_off_and_keep_five_seconds_apart_until_one_stays_up()
    {
        var policy = new ReconnectPolicy(new FixedJitter(0.5), _time);
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(null, ConnectMode.Identify));
        policy.IdentifySent();

        // Right after an Identify the 5 s spacing is the longest wait; later the back-off on fresh sessions.
        Assert.Equal(TimeSpan.FromSeconds(5), policy.NextDelay(null, ConnectMode.Identify));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(3.75), policy.NextDelay(null, ConnectMode.Identify));
        policy.IdentifySent();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(7.5), policy.NextDelay(null, ConnectMode.Identify));

        // Resumes never wait for the Identify budget.
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(null, ConnectMode.Resume));

        policy.ConnectionEnded(ConnectMode.Identify, established: true, upFor: ReconnectPolicy.StableSession);
        Assert.Equal(0, policy.FreshSessions);
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(null, ConnectMode.Identify));
    }

    [Fact]
    public void Durations_are_logged_in_human_form()
    {
        Assert.Equal("750 ms", Durations.Human(TimeSpan.FromMilliseconds(750)));
        Assert.Equal("3.75 s", Durations.Human(TimeSpan.FromSeconds(3.75)));
        Assert.Equal("2 min", Durations.Human(TimeSpan.FromMinutes(2)));
        Assert.Equal("1 min 30 s", Durations.Human(TimeSpan.FromSeconds(90)));
    }
}
