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
    /// <summary>Backoff after consecutive failed connections (or unexpected errors): 1 s doubling, capped.</summary>
    private static readonly TimeSpan FailureBackoffBase = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Backoff before a fresh Identify, on the count of consecutive fresh sessions: 5 s doubling, capped at 5 minutes.
    /// Every Identify counts against Discord's daily session_start_limit (about 1,000; going over resets the bot
    /// token), so a loop of READY → close → Identify must slow down. Resumes do not count.
    /// </summary>
    private static readonly TimeSpan IdentifyBackoffBase = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxIdentifyBackoff = TimeSpan.FromMinutes(5);

    /// <summary>A session that stayed up this long ends the run of consecutive fresh sessions.</summary>
    private static readonly TimeSpan StableSession = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan IdentifySpacing = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RegistrationRetryBase = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRegistrationRetry = TimeSpan.FromMinutes(30);

    private readonly GatewaySession _session = new();
    private DateTimeOffset? _lastIdentify;

    // Consecutive fresh sessions (Identifies sent). READY does not reset it; only a session that stayed up StableSession does.
    private int _freshSessions;
    private int _commandsRegistered;
    private int _registering;

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

    /// <summary>
    /// Connects, and reconnects until the host stops. Only a fatal close code (or a 401 on <c>GET /gateway/bot</c>)
    /// ends it early; any other error is logged and retried with backoff, so the adapter never takes the host down.
    /// </summary>
    private async Task RunAsync(int intents, CancellationToken stoppingToken)
    {
        // The cached gateway URL: configured, or the first one GET /gateway/bot gave.
        var gatewayUrl = string.IsNullOrWhiteSpace(options.Value.GatewayUrl) ? null : options.Value.GatewayUrl;
        var failures = 0;           // consecutive connections (or attempts) that never reached READY/RESUMED
        TimeSpan? requested = null; // the wait the previous connection asked for (zero = reconnect at once)
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var resume = _session.CanResume;
                await DelayAsync(NextDelay(requested, failures, resume), stoppingToken);
                requested = null;

                string url;
                if (resume)
                {
                    url = _session.ResumeUrl!;
                }
                else
                {
                    var info = await WaitForSessionStartAsync(stoppingToken);
                    url = gatewayUrl ??= info.Url;
                }

                var outcome = await RunConnectionAsync(url, resume, intents, stoppingToken);
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
                requested = outcome.Delay;
            }
            catch (DiscordApiException exception) when (exception.Status is System.Net.HttpStatusCode.Unauthorized)
            {
                Log.FatalClose(logger, 401, "Discord rejected Discord:Token when asked for the gateway URL");
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Anything unexpected (a bug, a malformed payload, an unreachable API): log, back off, try again,
                // asking for the gateway URL again in case the cached one is what fails.
                failures++;
                gatewayUrl = string.IsNullOrWhiteSpace(options.Value.GatewayUrl) ? null : options.Value.GatewayUrl;
                requested = Backoff(failures - 1, FailureBackoffBase, MaxBackoff);
                Log.ConnectionFailed(logger, exception, requested.Value);
            }
        }
    }

    /// <summary>
    /// How long to wait before the next connection: what the last one asked for, else backoff on consecutive
    /// failures; before a fresh Identify at least the backoff on consecutive fresh sessions and the Identify spacing.
    /// </summary>
    private TimeSpan NextDelay(TimeSpan? requested, int failures, bool resume)
    {
        var delay = requested ?? Backoff(failures - 1, FailureBackoffBase, MaxBackoff);
        if (resume)
        {
            return delay;
        }

        var identifyBackoff = Backoff(_freshSessions, IdentifyBackoffBase, MaxIdentifyBackoff);
        if (identifyBackoff > delay)
        {
            delay = identifyBackoff;
        }

        if (_lastIdentify is { } last && last + IdentifySpacing - time.GetUtcNow() is var spacing && spacing > delay)
        {
            delay = spacing;
        }

        return delay;
    }

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
            if (wait < IdentifySpacing)
            {
                wait = IdentifySpacing;
            }

            Log.SessionStartLimitReached(logger, wait);
            await Task.Delay(wait, time, stoppingToken);
            info = await rest.GetGatewayBotAsync(stoppingToken);
        }

        return info;
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
                    || HeartbeatInterval(helloData) is not { } interval)
                {
                    Log.UnexpectedPayload(logger, hello.RootElement.GetInt("op") ?? -1);
                    await socket.CloseAsync(GatewayCloseCodes.ClientReconnect, "expected hello");
                    return new Outcome();
                }

                // Started before Identify so the first beat's timer exists before anything else happens.
                heartbeat = HeartbeatAsync(socket, state, interval, connection);
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
                _freshSessions++;
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: 1000 ends the session so the bot shows offline at once.
            await socket.CloseAsync((int)WebSocketCloseStatus.NormalClosure, "shutting down");
            throw;
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or IOException)
        {
            // A zombie connection we dropped ourselves (resume at once), a failed connect, or a dropped connection
            // (a failed heartbeat cancels the connection too). The session, if any, stays resumable.
            if (!state.Zombie && !stoppingToken.IsCancellationRequested)
            {
                Log.ConnectionLost(logger, exception);
            }

            return new Outcome(Established: state.Established, Delay: state.Zombie ? TimeSpan.Zero : null);
        }
        finally
        {
            await connection.CancelAsync();
            await heartbeat;

            // A session that stayed up a while ends the run of consecutive fresh sessions (and their backoff).
            if (state.EstablishedAt is { } established && time.GetUtcNow() - established >= StableSession)
            {
                _freshSessions = 0;
            }
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
                    if (!_session.Ready(d.GetString("session_id"), d.GetString("resume_gateway_url"), user?.GetString("id") ?? string.Empty, applicationId))
                    {
                        // Without both, a Resume cannot work: the next connection identifies afresh on the cached gateway URL.
                        Log.NotResumable(logger);
                    }

                    state.Establish(time.GetUtcNow());
                    Log.Ready(logger, user?.GetString("username") ?? "?", _session.UserId!, applicationId);
                    RegisterCommands(applicationId, stoppingToken);
                    break;
                case "RESUMED":
                    state.Establish(time.GetUtcNow());
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
        catch (Exception exception)
        {
            // One malformed event (or a bug in handling it) never ends the receive loop.
            Log.DispatchFailed(logger, exception, name ?? "?");
        }
    }

    /// <summary>
    /// Registers the slash commands once per process. The flag is set only after Discord accepted them: a failure
    /// is retried with backoff (30 s doubling, capped at 30 minutes), and a later READY retries too when no attempt is
    /// under way.
    /// </summary>
    private void RegisterCommands(string applicationId, CancellationToken stoppingToken)
    {
        if (applicationId.Length == 0 || Volatile.Read(ref _commandsRegistered) != 0
            || Interlocked.CompareExchange(ref _registering, 1, 0) != 0)
        {
            return;
        }

        queue.Run("command registration", async ct =>
        {
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    if (await responder.RegisterCommandsAsync(applicationId, ct))
                    {
                        Volatile.Write(ref _commandsRegistered, 1);
                        return;
                    }

                    var wait = Backoff(attempt, RegistrationRetryBase, MaxRegistrationRetry);
                    Log.CommandRegistrationRetry(logger, wait);
                    await Task.Delay(wait, time, ct);
                }
            }
            finally
            {
                Volatile.Write(ref _registering, 0);
            }
        }, stoppingToken);
    }

    /// <summary><c>heartbeat_interval</c> from Hello, or null when it is missing, not a number, or not a sane duration.</summary>
    private static TimeSpan? HeartbeatInterval(JsonElement hello) =>
        hello.TryGetProperty("heartbeat_interval", out var element) && element.ValueKind == JsonValueKind.Number
            && element.TryGetDouble(out var ms) && double.IsFinite(ms) && ms >= 1 && ms <= int.MaxValue
            ? TimeSpan.FromMilliseconds(ms)
            : null;

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

    /// <summary>
    /// Exponential backoff with jitter: zero for <paramref name="attempt"/> ≤ 0, else a ceiling of
    /// <paramref name="baseDelay"/> × 2^(attempt − 1) (at most <paramref name="max"/>), of which 50–100 % is waited.
    /// </summary>
    private TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan max)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        var ceiling = TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, baseDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 20))));
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

        /// <summary>When READY or RESUMED arrived; written by the receive loop only.</summary>
        public DateTimeOffset? EstablishedAt { get; private set; }

        public void Establish(DateTimeOffset now)
        {
            EstablishedAt ??= now;
            Established = true;
        }

        public bool TryBeginBeat() => Interlocked.Exchange(ref _awaitingAck, 1) == 0;

        public void Acknowledge() => Volatile.Write(ref _awaitingAck, 0);
    }
}
