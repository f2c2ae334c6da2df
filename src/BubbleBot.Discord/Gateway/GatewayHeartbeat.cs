using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Gateway;

/// <summary>The heartbeat loop of one connection: first beat after interval × jitter, then every interval; a missing ACK drops the connection.</summary>
internal sealed class GatewayHeartbeat(GatewaySession session, IGatewayJitter jitter, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(GatewaySocket socket, ConnectionState state, TimeSpan interval, CancellationTokenSource connection)
    {
        var cancellationToken = connection.Token;
        try
        {
            var next = Task.Delay(interval * jitter.Next(), time, cancellationToken);
            while (true)
            {
                await next;
                if (!state.TryBeginBeat())
                {
                    // No ACK since the previous beat: a half-open connection. Drop it (not with 1000) and resume.
                    Log.ZombieConnection(logger);
                    state.Zombie = true;
                    await socket.CloseAsync(GatewayCloseCodes.ClientReconnect, "heartbeat not acknowledged");
                    await connection.CancelAsync();
                    return;
                }

                // The next timer exists before the beat goes out, so whoever sees the beat may move time on.
                next = Task.Delay(interval, time, cancellationToken);
                await SendAsync(socket, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception)
        {
            // The receive loop sees the broken (here: cancelled) connection and reconnects.
            if (exception is not (WebSocketException or ObjectDisposedException))
            {
                Log.HeartbeatFailed(logger, exception);
            }

            await connection.CancelAsync();
        }
    }

    public Task SendAsync(GatewaySocket socket, CancellationToken cancellationToken) =>
        socket.SendAsync(new GatewayPayload<long?>(GatewayOpcode.Heartbeat, session.Sequence), cancellationToken);
}

/// <summary>Per-connection state: a new connection never inherits a missing ACK from the old one.</summary>
internal sealed class ConnectionState
{
    private int _awaitingAck;

    public volatile bool Zombie;

    public volatile bool Established;

    /// <summary>Set when READY/RESUMED did not come within the ready timeout.</summary>
    public volatile bool TimedOut;

    /// <summary>When READY or RESUMED arrived; written by the receive loop only.</summary>
    public DateTimeOffset? EstablishedAt { get; private set; }

    public void Establish(DateTimeOffset now)
    {
        EstablishedAt ??= now;
        Established = true;
    }

    public TimeSpan? UpFor(DateTimeOffset now) => EstablishedAt is { } at ? now - at : null;

    public bool TryBeginBeat() => Interlocked.Exchange(ref _awaitingAck, 1) == 0;

    public void Acknowledge() => Volatile.Write(ref _awaitingAck, 0);
}
