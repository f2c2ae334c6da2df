using System.Net.WebSockets;
using System.Text.Json;
using BubbleBot.Discord.Handling;
using BubbleBot.Discord.Rest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord.Gateway;

/// <summary>
/// Owns the gateway lifecycle: connect, Hello, heartbeats, Identify or Resume, dispatches, and reconnects by
/// Discord's rules. Events are handed to <see cref="DiscordWorkQueue"/> so this loop never waits on an answer.
/// A fatal close (bad token, disallowed intents) ends only this service; the host and other platforms keep running.
/// </summary>
internal sealed class DiscordGatewayService(
    IOptions<DiscordOptions> options,
    DiscordRestClient rest,
    DiscordResponder responder,
    DiscordWorkQueue queue,
    IGatewayJitter jitter,
    TimeProvider time,
    ILogger<DiscordGatewayService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan IdentifySpacing = TimeSpan.FromSeconds(5);

    private readonly GatewaySession _session = new();
    private DateTimeOffset? _lastIdentify;
    private int _commandsRegistered;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var intents = GatewayIntents.For(options.Value);
        Log.Starting(logger, intents, options.Value.MessageContentIntent);
        var workers = queue.StartWorkers(responder.HandleAsync, stoppingToken);
        try
        {
            await RunAsync(intents, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Complete();
            await workers;
            await queue.WhenTrackedDone();
            Log.Stopped(logger);
        }
    }

    private async Task RunAsync(int intents, CancellationToken stoppingToken)
    {
        var gatewayUrl = string.IsNullOrWhiteSpace(options.Value.GatewayUrl) ? null : options.Value.GatewayUrl;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            Outcome outcome;
            try
            {
                gatewayUrl ??= (await rest.GetGatewayBotAsync(stoppingToken)).Url;
                var resume = _session.CanResume;
                outcome = await RunConnectionAsync(resume ? _session.ResumeUrl! : gatewayUrl, resume, intents, stoppingToken);
            }
            catch (DiscordApiException exception) when (exception.Status is System.Net.HttpStatusCode.Unauthorized)
            {
                Log.FatalClose(logger, 401, "Discord rejected Discord:Token when asked for the gateway URL");
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested
                && exception is WebSocketException or HttpRequestException or IOException or JsonException or DiscordApiException
                    or OperationCanceledException)
            {
                var wait = Backoff(failures++);
                Log.ConnectionFailed(logger, exception, wait);
                await DelayAsync(wait, stoppingToken);
                continue;
            }

            if (outcome.Stop)
            {
                if (outcome.CloseCode is { } code)
                {
                    Log.FatalClose(logger, code, GatewayCloseCodes.Describe(code));
                }

                return;
            }

            if (outcome.FreshSession)
            {
                _session.Reset();
            }

            failures = outcome.Established ? 0 : failures + 1;
            var delay = outcome.Delay ?? Backoff(failures - 1);
            await DelayAsync(delay, stoppingToken);
        }
    }

    private async Task<Outcome> RunConnectionAsync(string url, bool resume, int intents, CancellationToken stoppingToken)
    {
        var uri = GatewayUri(url);
        Log.Connecting(logger, uri.Host, resume ? "resume" : "identify");
        using var socket = new GatewaySocket(time, logger);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var state = new ConnectionState();
        Task heartbeat = Task.CompletedTask;
        try
        {
            await socket.ConnectAsync(uri, connection.Token);
            using (var hello = await socket.ReceiveAsync(connection.Token))
            {
                if (hello is null)
                {
                    return Closed(socket, state);
                }

                if (hello.RootElement.GetInt("op") is not GatewayOpcode.Hello
                    || hello.RootElement.GetObject("d") is not { } helloData
                    || !helloData.TryGetProperty("heartbeat_interval", out var intervalElement))
                {
                    Log.UnexpectedPayload(logger, hello.RootElement.GetInt("op") ?? -1);
                    await socket.CloseAsync(GatewayCloseCodes.ClientReconnect, "expected hello");
                    return new Outcome();
                }

                // Started before Identify so the first beat's timer exists before anything else happens.
                heartbeat = HeartbeatAsync(socket, state, TimeSpan.FromMilliseconds(intervalElement.GetDouble()), connection);
            }

            if (resume)
            {
                await socket.SendAsync(new GatewayPayload<ResumeData>(GatewayOpcode.Resume,
                    new ResumeData(options.Value.Token, _session.SessionId!, _session.Sequence)), connection.Token);
            }
            else
            {
                await WaitForIdentifySlotAsync(connection.Token);
                await socket.SendAsync(new GatewayPayload<IdentifyData>(GatewayOpcode.Identify,
                    new IdentifyData(options.Value.Token, intents, IdentifyProperties.Instance)), connection.Token);
            }

            while (true)
            {
                using var message = await socket.ReceiveAsync(connection.Token);
                if (message is null)
                {
                    return Closed(socket, state);
                }

                if (await HandleAsync(message.RootElement, socket, state, connection.Token, stoppingToken) is { } outcome)
                {
                    await socket.CloseAsync(GatewayCloseCodes.ClientReconnect, "reconnecting");
                    return outcome;
                }
            }
        }
        catch (OperationCanceledException) when (state.Zombie && !stoppingToken.IsCancellationRequested)
        {
            return new Outcome(Established: state.Established, Delay: TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: 1000 ends the session so the bot shows offline at once.
            await socket.CloseAsync((int)WebSocketCloseStatus.NormalClosure, "shutting down");
            throw;
        }
        catch (WebSocketException) when (state.Zombie && !stoppingToken.IsCancellationRequested)
        {
            return new Outcome(Established: state.Established, Delay: TimeSpan.Zero);
        }
        finally
        {
            await connection.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>Handles one gateway payload; returns an outcome when the connection must end.</summary>
    private async Task<Outcome?> HandleAsync(
        JsonElement payload, GatewaySocket socket, ConnectionState state, CancellationToken cancellationToken, CancellationToken stoppingToken)
    {
        switch (payload.GetInt("op"))
        {
            case GatewayOpcode.Dispatch:
                if (payload.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.Number)
                {
                    _session.Track(s.GetInt64());
                }

                Dispatch(payload.GetString("t"), payload.TryGetProperty("d", out var d) ? d : default, state, stoppingToken);
                return null;
            case GatewayOpcode.Heartbeat:
                // The gateway asks for a beat now; it does not replace the regular schedule.
                await SendHeartbeatAsync(socket, cancellationToken);
                return null;
            case GatewayOpcode.HeartbeatAck:
                state.Acknowledge();
                return null;
            case GatewayOpcode.Reconnect:
                Log.ReconnectRequested(logger);
                return new Outcome(Established: true, Delay: TimeSpan.Zero);
            case GatewayOpcode.InvalidSession:
                var resumable = payload.GetBool("d");
                Log.InvalidSession(logger, resumable);
                return resumable
                    ? new Outcome(Established: true, Delay: TimeSpan.Zero)
                    : new Outcome(FreshSession: true, Established: true, Delay: TimeSpan.FromSeconds(1 + (4 * jitter.Next())));
            default:
                return null;
        }
    }

    private void Dispatch(string? name, JsonElement d, ConnectionState state, CancellationToken stoppingToken)
    {
        try
        {
            switch (name)
            {
                case "READY":
                    var user = d.GetObject("user");
                    var applicationId = d.GetObject("application")?.GetString("id") ?? user?.GetString("id") ?? string.Empty;
                    _session.Ready(d.GetString("session_id") ?? string.Empty, d.GetString("resume_gateway_url") ?? string.Empty,
                        user?.GetString("id") ?? string.Empty, applicationId);
                    state.Established = true;
                    Log.Ready(logger, user?.GetString("username") ?? "?", _session.UserId!, applicationId);
                    if (Interlocked.Exchange(ref _commandsRegistered, 1) == 0)
                    {
                        queue.Run("command registration", ct => responder.RegisterCommandsAsync(applicationId, ct), stoppingToken);
                    }

                    break;
                case "RESUMED":
                    state.Established = true;
                    Log.Resumed(logger, _session.Sequence);
                    break;
                case "MESSAGE_CREATE" when _session.UserId is { } botId:
                    if (DiscordEvents.ParseMessage(d, botId, options.Value) is { } message)
                    {
                        queue.TryEnqueue(new MessageWork(message));
                    }

                    break;
                case "INTERACTION_CREATE":
                    if (DiscordEvents.ParseInteraction(d) is { } interaction)
                    {
                        // Acknowledged right away on its own task: the 3-second deadline must not wait behind answers.
                        queue.Run("interaction", ct => responder.AcknowledgeAsync(interaction, ct), stoppingToken);
                    }

                    break;
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or JsonException or FormatException or KeyNotFoundException)
        {
            // One malformed event never ends the receive loop.
            Log.DispatchFailed(logger, exception, name ?? "?");
        }
    }

    private async Task HeartbeatAsync(GatewaySocket socket, ConnectionState state, TimeSpan interval, CancellationTokenSource connection)
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
                await SendHeartbeatAsync(socket, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
            // The receive loop sees the broken connection too and reconnects.
            await connection.CancelAsync();
        }
    }

    private Task SendHeartbeatAsync(GatewaySocket socket, CancellationToken cancellationToken) =>
        socket.SendAsync(new GatewayPayload<long?>(GatewayOpcode.Heartbeat, _session.Sequence), cancellationToken);

    private Outcome Closed(GatewaySocket socket, ConnectionState state)
    {
        var code = socket.CloseCode;
        var action = GatewayCloseCodes.ActionFor(code);
        if (action == CloseAction.Stop)
        {
            return new Outcome(Stop: true, CloseCode: code);
        }

        Log.GatewayClosed(logger, code, socket.CloseDescription, action == CloseAction.Resume && _session.CanResume);
        return new Outcome(FreshSession: action == CloseAction.Identify, Established: state.Established);
    }

    // Identify is limited by max_concurrency per 5 s, and every fresh session counts towards the daily limit.
    private async Task WaitForIdentifySlotAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_lastIdentify is { } last && now - last < IdentifySpacing)
        {
            await Task.Delay(IdentifySpacing - (now - last), time, cancellationToken);
        }

        _lastIdentify = time.GetUtcNow();
    }

    private TimeSpan Backoff(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        var ceiling = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));
        return ceiling * (0.5 + (jitter.Next() / 2));
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        Log.Backoff(logger, delay);
        return Task.Delay(delay, time, cancellationToken);
    }

    private static Uri GatewayUri(string url)
    {
        var builder = new UriBuilder(url) { Query = "v=10&encoding=json" };
        if (string.IsNullOrEmpty(builder.Path))
        {
            builder.Path = "/";
        }

        return builder.Uri;
    }

    /// <summary>How a connection ended and what the next one should do.</summary>
    private sealed record Outcome(bool Stop = false, int? CloseCode = null, bool FreshSession = false, bool Established = false, TimeSpan? Delay = null);

    /// <summary>Per-connection state: a new connection never inherits a missing ACK from the old one.</summary>
    private sealed class ConnectionState
    {
        private int _awaitingAck;

        public volatile bool Zombie;

        public volatile bool Established;

        public bool TryBeginBeat() => Interlocked.Exchange(ref _awaitingAck, 1) == 0;

        public void Acknowledge() => Volatile.Write(ref _awaitingAck, 0);
    }
}
