using System.Net.WebSockets;
using System.Text.Json;
using BubbleBot.Core.Chat;
using BubbleBot.Discord.Handling;
using BubbleBot.Discord.Rest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord.Gateway;

/// <summary>
/// Owns the gateway lifecycle: connect (with handshake deadlines), Hello, Identify or Resume, and reconnects by
/// Discord's rules. Events are handed to <see cref="DiscordWorkQueue"/> so this loop never waits on an answer.
/// A fatal close (bad token, disallowed intents) ends this service and is reported to <see cref="AdapterHealth"/>: other
/// platforms keep running, and when none is left the host exits with code 1.
/// </summary>
internal sealed class DiscordGatewayService(
    IOptions<DiscordOptions> options,
    DiscordRestClient rest,
    DiscordResponder responder,
    DiscordWorkQueue queue,
    AnswerChannels answerChannels,
    AnsweringStage stage,
    AdapterHealth health,
    IGatewayJitter jitter,
    TimeProvider time,
    ILogger<DiscordGatewayService> logger) : BackgroundService
{
    public const string AdapterName = "Discord";

    /// <summary>
    /// Handshake deadlines, as mature clients have them: a gateway that accepts TCP but never completes the WebSocket
    /// upgrade, never sends Hello, or never answers Identify/Resume with READY/RESUMED is given up and retried with
    /// back-off instead of being waited on for ever. (Distinct values so tests can tell the timers apart.)
    /// </summary>
    public static readonly TimeSpan UpgradeTimeout = TimeSpan.FromSeconds(25);
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(45);

    /// <summary>How long shutdown waits for the gateway to answer our close frame before dropping the connection.</summary>
    public static readonly TimeSpan CloseAnswerTimeout = TimeSpan.FromSeconds(4);

    private readonly GatewaySession _session = new();
    private readonly ReconnectPolicy _policy = new(jitter, time);
    private GatewayHeartbeat? _heartbeatLoop;
    private GatewayDispatcher? _dispatcherInstance;

    private GatewayHeartbeat Heartbeat => _heartbeatLoop ??= new(_session, jitter, time, logger);

    private GatewayDispatcher Dispatcher => _dispatcherInstance ??= new(_session, responder, queue, answerChannels, health, options, _policy, time, logger);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // First the gateway closes (1000) so no new questions arrive, then accepted answers finish within the drain
        // deadline; what is left is cancelled and apologised for (a deferred /ask gets an apology edit).
        await base.StopAsync(cancellationToken);
        var cancelled = await stage.DrainAsync(cancellationToken);
        if (cancelled > 0)
        {
            Log.DrainCancelled(logger, cancelled);
        }

        await queue.WhenTrackedDone().WaitAsync(cancellationToken);
        Log.Stopped(logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var intents = GatewayIntents.For(options.Value);
        Log.Starting(logger, intents, options.Value.MessageContentIntent);
        if (options.Value.AnswerChannelIds.Count > 0 && !options.Value.MessageContentIntent)
        {
            // Without the intent Discord delivers messages that do not mention the bot with empty content.
            Log.AnswerChannelsWithoutContent(logger, options.Value.AnswerChannelIds.Count);
        }
        health.Report(AdapterName, AdapterState.Starting);
        try
        {
            await RunAsync(intents, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Connects, and reconnects until the host stops. Only a fatal close code (or a 401 on <c>GET /gateway/bot</c>)
    /// ends it early; any other error is logged and retried with back-off, so the adapter never takes the host down.
    /// </summary>
    private async Task RunAsync(int intents, CancellationToken stoppingToken)
    {
        // The cached gateway URL: configured, or the first one GET /gateway/bot gave.
        var gatewayUrl = ConfiguredGatewayUrl();
        TimeSpan? requested = null; // the wait the previous connection asked for (zero = reconnect at once)
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var mode = _session.CanResume ? ConnectMode.Resume : ConnectMode.Identify;
                await DelayAsync(_policy.NextDelay(requested, mode), stoppingToken);
                requested = null;

                string url;
                if (mode == ConnectMode.Resume)
                {
                    url = _session.ResumeUrl!;
                }
                else
                {
                    var info = await WaitForSessionStartAsync(stoppingToken);
                    url = gatewayUrl ??= info.Url;
                }

                var outcome = await RunConnectionAsync(url, mode, intents, stoppingToken);
                if (outcome.Stop)
                {
                    if (outcome.CloseCode is { } code)
                    {
                        var reason = GatewayCloseCodes.Describe(code);
                        Log.FatalClose(logger, code, reason);
                        health.Report(AdapterName, AdapterState.FailedPermanently, $"gateway closed with {code} ({reason})");
                    }

                    return;
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                health.Report(AdapterName, AdapterState.Reconnecting);
                if (outcome.FreshSession)
                {
                    _session.Reset();
                }

                if (_policy.ConnectionEnded(mode, outcome.Established, outcome.UpFor) && _session.CanResume)
                {
                    // The resume URL keeps failing: give the session up and identify on the main gateway URL.
                    Log.ResumeAbandoned(logger, ReconnectPolicy.MaxFailedResumes);
                    _session.Reset();
                    gatewayUrl = ConfiguredGatewayUrl();
                }

                if (!outcome.Established && mode == ConnectMode.Identify)
                {
                    // The cached gateway URL may be what fails: ask GET /gateway/bot again next time.
                    gatewayUrl = ConfiguredGatewayUrl();
                }

                requested = outcome.Delay;
            }
            catch (DiscordApiException exception) when (exception.Status is System.Net.HttpStatusCode.Unauthorized)
            {
                const string reason = "Discord rejected Discord:Token when asked for the gateway URL";
                Log.FatalClose(logger, 401, reason);
                health.Report(AdapterName, AdapterState.FailedPermanently, "401 on GET /gateway/bot: Discord:Token is wrong or was reset");
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Anything unexpected (a bug, a malformed payload, an unreachable API): log, back off, try again,
                // asking for the gateway URL again in case the cached one is what fails.
                health.Report(AdapterName, AdapterState.Reconnecting);
                gatewayUrl = ConfiguredGatewayUrl();
                requested = _policy.Failed();
                Log.ConnectionFailed(logger, Durations.Human(requested.Value), exception.GetType().Name, exception.Message);
                Log.ConnectionFailedDetail(logger, exception);
            }
        }
    }

    private string? ConfiguredGatewayUrl() => string.IsNullOrWhiteSpace(options.Value.GatewayUrl) ? null : options.Value.GatewayUrl;

    /// <summary>
    /// Before every fresh Identify: refreshes <c>GET /gateway/bot</c> and, while no session starts remain, waits
    /// <c>reset_after</c> (Identifying anyway would end every session and reset the bot token).
    /// </summary>
    private async Task<GatewayBotInfo> WaitForSessionStartAsync(CancellationToken stoppingToken)
    {
        var info = await rest.GetGatewayBotAsync(stoppingToken);
        while (info.SessionStartsRemaining is <= 0)
        {
            var wait = TimeSpan.FromMilliseconds(Math.Max(info.SessionStartResetAfterMs ?? 0, 0));
            if (wait < ReconnectPolicy.IdentifySpacing)
            {
                wait = ReconnectPolicy.IdentifySpacing;
            }

            Log.SessionStartLimitReached(logger, Durations.Human(wait));
            await Task.Delay(wait, time, stoppingToken);
            info = await rest.GetGatewayBotAsync(stoppingToken);
        }

        return info;
    }

    private async Task<Outcome> RunConnectionAsync(string url, ConnectMode mode, int intents, CancellationToken stoppingToken)
    {
        var uri = GatewayUri(url);
        var resume = mode == ConnectMode.Resume;
        Log.Connecting(logger, uri.Host, resume ? "resume" : "identify");
        using var socket = new GatewaySocket(time, logger);

        // Not linked to stoppingToken: cancelling a WebSocket receive aborts the socket, and shutdown must first send
        // a close frame (1000). The registration below closes cleanly, then cancels if the gateway does not answer.
        using var connection = new CancellationTokenSource();
        var state = new ConnectionState();
        Task heartbeat = Task.CompletedTask;
        Task shutdownClose = Task.CompletedTask;
        var phase = "upgrade";
        try
        {
            using (var upgrade = new CancellationTokenSource(UpgradeTimeout, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connection.Token, upgrade.Token, stoppingToken))
            {
                await socket.ConnectAsync(uri, linked.Token);
            }

            using var onStop = stoppingToken.Register(() => shutdownClose = CloseForShutdownAsync(socket, connection));
            phase = "Hello";
            using (var helloWait = new CancellationTokenSource(HelloTimeout, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connection.Token, helloWait.Token))
            using (var hello = await socket.ReceiveAsync(linked.Token))
            {
                if (hello is null)
                {
                    return Closed(socket, state, stoppingToken);
                }

                if (hello.RootElement.GetInt("op") is not GatewayOpcode.Hello
                    || hello.RootElement.GetObject("d") is not { } helloData
                    || HeartbeatInterval(helloData) is not { } interval)
                {
                    Log.UnexpectedPayload(logger, hello.RootElement.GetInt("op") ?? -1);
                    await socket.CloseAsync(GatewayCloseCodes.ClientReconnect, "expected hello");
                    return new Outcome();
                }

                // Started before Identify so the first beat's timer exists before anything else happens.
                heartbeat = Heartbeat.RunAsync(socket, state, interval, connection);
            }

            phase = resume ? "RESUMED" : "READY";
            if (resume)
            {
                await socket.SendAsync(new GatewayPayload<ResumeData>(GatewayOpcode.Resume,
                    new ResumeData(options.Value.Token, _session.SessionId!, _session.Sequence)), connection.Token);
            }
            else
            {
                if (_policy.IdentifyWait() is var wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, connection.Token);
                }

                await socket.SendAsync(new GatewayPayload<IdentifyData>(GatewayOpcode.Identify,
                    new IdentifyData(options.Value.Token, intents, IdentifyProperties.Instance)), connection.Token);
                _policy.IdentifySent();
            }

            using var readyWait = new CancellationTokenSource(ReadyTimeout, time);
            using var onReadyTimeout = readyWait.Token.Register(() =>
            {
                if (!state.Established)
                {
                    state.TimedOut = true;
                    connection.Cancel();
                }
            });

            while (true)
            {
                using var message = await socket.ReceiveAsync(connection.Token);
                if (message is null)
                {
                    return Closed(socket, state, stoppingToken);
                }

                if (await HandleAsync(message.RootElement, socket, state, connection.Token, stoppingToken) is { } outcome)
                {
                    await socket.CloseAsync(GatewayCloseCodes.ClientReconnect, "reconnecting");
                    return outcome with { UpFor = state.UpFor(time.GetUtcNow()) };
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or IOException)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                return new Outcome(Established: state.Established);
            }

            // A handshake that stalled, a zombie connection we dropped ourselves (resume at once), a failed connect, or
            // a dropped connection (a failed heartbeat cancels the connection too). The session, if any, stays resumable.
            if (exception is OperationCanceledException && (phase == "upgrade" || phase == "Hello" || state.TimedOut))
            {
                var limit = phase switch { "upgrade" => UpgradeTimeout, "Hello" => HelloTimeout, _ => ReadyTimeout };
                Log.HandshakeTimedOut(logger, uri.Host, phase, Durations.Human(limit));
            }
            else if (!state.Zombie)
            {
                Log.ConnectionLost(logger, exception.GetType().Name, exception.Message);
                Log.ConnectionLostDetail(logger, exception);
            }

            return new Outcome(Established: state.Established, Delay: state.Zombie ? TimeSpan.Zero : null, UpFor: state.UpFor(time.GetUtcNow()));
        }
        finally
        {
            // Cancelling first ends the shutdown close's wait for an answer that has arrived (or never will).
            await connection.CancelAsync();
            await shutdownClose;
            await heartbeat;
        }
    }

    /// <summary>
    /// Shutting down: close with 1000 (the session ends and the bot shows offline at once). The receive loop ends when
    /// the gateway answers the close frame; cancelling at once would abort the TCP connection, and a reset can overtake
    /// the close frame on its way, so the gateway is given a bounded wait to answer first.
    /// </summary>
    private async Task CloseForShutdownAsync(GatewaySocket socket, CancellationTokenSource connection)
    {
        try
        {
            if (await socket.CloseAsync((int)WebSocketCloseStatus.NormalClosure, "shutting down"))
            {
                // Ended early (the connection is cancelled) once the receive loop has seen the answer.
                await Task.Delay(CloseAnswerTimeout, time, connection.Token);
            }

            await connection.CancelAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
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

                Dispatcher.Dispatch(payload.GetString("t"), payload.TryGetProperty("d", out var d) ? d : default, state, stoppingToken);
                return null;
            case GatewayOpcode.Heartbeat:
                // The gateway asks for a beat now; it does not replace the regular schedule.
                await Heartbeat.SendAsync(socket, cancellationToken);
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

    /// <summary><c>heartbeat_interval</c> from Hello, or null when it is missing, not a number, or not a sane duration.</summary>
    private static TimeSpan? HeartbeatInterval(JsonElement hello) =>
        hello.TryGetProperty("heartbeat_interval", out var element) && element.ValueKind == JsonValueKind.Number
            && element.TryGetDouble(out var ms) && double.IsFinite(ms) && ms >= 1 && ms <= int.MaxValue
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    private Outcome Closed(GatewaySocket socket, ConnectionState state, CancellationToken stoppingToken)
    {
        var code = socket.CloseCode;
        var action = GatewayCloseCodes.ActionFor(code);
        if (action == CloseAction.Stop && !stoppingToken.IsCancellationRequested)
        {
            return new Outcome(Stop: true, CloseCode: code);
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            Log.GatewayClosed(logger, code, socket.CloseDescription, action == CloseAction.Resume && _session.CanResume);
        }

        return new Outcome(FreshSession: action == CloseAction.Identify, Established: state.Established, UpFor: state.UpFor(time.GetUtcNow()));
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        Log.Backoff(logger, Durations.Human(delay));
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
    private sealed record Outcome(bool Stop = false, int? CloseCode = null, bool FreshSession = false, bool Established = false, TimeSpan? Delay = null, TimeSpan? UpFor = null);
}
