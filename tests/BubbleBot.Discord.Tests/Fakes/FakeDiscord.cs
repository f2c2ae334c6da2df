using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Tests.Fakes;

/// <summary>A REST call the adapter made to the fake API.</summary>
public sealed record RecordedRequest(string Method, string Path, JsonElement? Body, IReadOnlyDictionary<string, string> Headers, int Number)
{
    /// <summary>When it arrived (<see cref="System.Diagnostics.Stopwatch"/> timestamp), for the load benchmark.</summary>
    public long At { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
}

/// <summary>An answer the test wants the fake API to give instead of the default.</summary>
public sealed record FakeReply(int Status, string? Json = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// Discord's gateway (WebSocket) and REST API on 127.0.0.1 with a free port, driven by the test: it records every
/// call and connection, and answers REST calls with sensible defaults unless <see cref="Reply"/> says otherwise.
/// </summary>
public sealed class FakeDiscord : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly Channel<FakeGatewayConnection> _connections = Channel.CreateUnbounded<FakeGatewayConnection>();
    private readonly Channel<RecordedRequest> _requests = Channel.CreateUnbounded<RecordedRequest>();
    private int _connectionCount;
    private int _requestCount;
    private int _messageIds;

    /// <summary>The id given to the last message (or interaction response) the adapter created.</summary>
    public string LastCreatedMessageId => (9000 + Volatile.Read(ref _messageIds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private int _stalled;
    private readonly TaskCompletionSource _stalledSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<RecordedRequest> _all = new();

    private FakeDiscord(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    public string ApiBaseUrl => BaseUrl + "/api/v10";

    public string GatewayUrl => BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/gateway";

    public string ResumeUrl => BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/resume";

    /// <summary>A gateway URL that accepts the TCP connection and the upgrade request but never answers it.</summary>
    public string StalledGatewayUrl => BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/stall";

    /// <summary>Upgrade requests the stalled endpoint is holding (or held).</summary>
    public int StalledCount => Volatile.Read(ref _stalled);

    /// <summary>Completes when the stalled endpoint first holds an upgrade request.</summary>
    public Task Stalled => _stalledSignal.Task;

    /// <summary>Every REST call so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _all.OrderBy(r => r.Number)];

    /// <summary>A ws:// URL on a port nothing listens on: connections are refused, as by a dead resume_gateway_url.</summary>
    public static string RefusingUrl()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"ws://127.0.0.1:{port}/resume";
    }

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Overrides the answer to a REST call; null keeps the default.</summary>
    public Func<RecordedRequest, FakeReply?> Reply { get; set; } = _ => null;

    /// <summary>
    /// Holds the answer to a REST call until the returned task completes (the request is recorded first), so a test
    /// can put the adapter in the moment between sending a call and hearing back; null answers at once.
    /// </summary>
    public Func<RecordedRequest, Task>? Hold { get; set; }

    public static async Task<FakeDiscord> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeDiscord(app);
        app.UseWebSockets();
        app.Map("/gateway", fake.AcceptAsync);
        app.Map("/resume", fake.AcceptAsync);
        app.Map("/api/v10/{**path}", fake.RestAsync);
        app.Map("/stall", fake.StallAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    public async Task<FakeGatewayConnection> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>The next REST call matching <paramref name="match"/>; calls that do not match are skipped.</summary>
    public async Task<RecordedRequest> NextRequestAsync(Func<RecordedRequest, bool> match)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var request = await _requests.Reader.ReadAsync(timeout.Token);
            if (match(request))
            {
                return request;
            }
        }
    }

    public Task<RecordedRequest> NextRequestAsync(string method, string pathPrefix) =>
        NextRequestAsync(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeGatewayConnection(socket, context.Request.Path + context.Request.QueryString);
        Interlocked.Increment(ref _connectionCount);
        await _connections.Writer.WriteAsync(connection);
        await connection.PumpAsync(context.RequestAborted);
    }

    // Holds the upgrade request open until the client gives up, as a gateway behind a broken proxy would.
    private async Task StallAsync(HttpContext context)
    {
        Interlocked.Increment(ref _stalled);
        _stalledSignal.TrySetResult();
        try
        {
            await Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RestAsync(HttpContext context)
    {
        var path = "/" + (string?)context.Request.RouteValues["path"];
        JsonElement? body = null;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            var text = await reader.ReadToEndAsync();
            if (text.Length > 0)
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, path, body, headers, Interlocked.Increment(ref _requestCount));
        _all.Enqueue(request);
        await _requests.Writer.WriteAsync(request);
        if (Hold?.Invoke(request) is { } held)
        {
            // Bounded like every wait of the fakes: a test that forgets to release fails instead of hanging.
            await held.WaitAsync(Timeout, context.RequestAborted);
        }

        var reply = Reply(request) ?? DefaultReply(request);
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (reply.Json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.Json);
        }
    }

    private FakeReply DefaultReply(RecordedRequest request)
    {
        if (request.Method == "GET" && request.Path == "/gateway/bot")
        {
            return new FakeReply(200, JsonSerializer.Serialize(new
            {
                url = GatewayUrl,
                shards = 1,
                session_start_limit = new { total = 1000, remaining = 999, reset_after = 0, max_concurrency = 1 },
            }));
        }

        if (request.Path.EndsWith("/messages", StringComparison.Ordinal) || request.Path.EndsWith("/@original", StringComparison.Ordinal)
            || (request.Method == "POST" && request.Path.StartsWith("/webhooks/", StringComparison.Ordinal)))
        {
            return new FakeReply(200, JsonSerializer.Serialize(new { id = (9000 + Interlocked.Increment(ref _messageIds)).ToString() }));
        }

        return new FakeReply((int)HttpStatusCode.NoContent);
    }
}

/// <summary>One WebSocket connection the adapter opened to the fake gateway.</summary>
public sealed class FakeGatewayConnection(WebSocket socket, string path)
{
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _serverDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public string Path { get; } = path;

    /// <summary>The close code the adapter sent (null when the connection just dropped).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    /// <summary>Awaited before the fake answers the adapter's close frame, as a slow gateway would.</summary>
    public Task HoldCloseAnswer { get; set; } = Task.CompletedTask;

    /// <summary>True once the fake answered the adapter's close frame and the closing handshake completed.</summary>
    public bool CloseAnswered { get; private set; }

    public async Task SendAsync(object payload)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload);
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public Task SendHelloAsync(int heartbeatIntervalMs) => SendAsync(new { op = 10, d = new { heartbeat_interval = heartbeatIntervalMs } });

    public Task SendDispatchAsync(string name, long sequence, object data) => SendAsync(new { op = 0, s = sequence, t = name, d = data });

    public Task SendReadyAsync(long sequence, string botUserId = FakeIds.Bot, string sessionId = FakeIds.Session, string? resumeUrl = null) =>
        SendDispatchAsync("READY", sequence, new
        {
            v = 10,
            session_id = sessionId,
            resume_gateway_url = resumeUrl ?? "unset",
            user = new { id = botUserId, username = "BubbleBot", bot = true },
            application = new { id = FakeIds.Application, flags = 0 },
            guilds = Array.Empty<object>(),
        });

    /// <summary>The next payload the adapter sent.</summary>
    public async Task<JsonElement> ReceiveAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(FakeDiscord.Timeout);

    /// <summary>The next payload with opcode <paramref name="op"/>, skipping others (for example heartbeats).</summary>
    public async Task<JsonElement> ReceiveAsync(int op)
    {
        while (true)
        {
            var payload = await ReceiveAsync();
            if (payload.GetProperty("op").GetInt32() == op)
            {
                return payload;
            }
        }
    }

    /// <summary>Asks for a heartbeat (op 1) and waits for it: everything sent before has then been processed.</summary>
    public async Task<JsonElement> SyncAsync()
    {
        await SendAsync(new { op = 1, d = (object?)null });
        return await ReceiveAsync(1);
    }

    public async Task CloseAsync(int code, string reason = "")
    {
        await _sendLock.WaitAsync();
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }

        _serverDone.TrySetResult();
    }

    /// <summary>Drops the connection without a close frame, as a lost TCP connection would.</summary>
    public void Abort()
    {
        socket.Abort();
        _serverDone.TrySetResult();
    }

    internal async Task PumpAsync(CancellationToken aborted)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, aborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _closed.TrySetResult(result.CloseStatus);
                        if (socket.State == WebSocketState.CloseReceived)
                        {
                            await HoldCloseAnswer;
                            await socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                            CloseAnswered = socket.State == WebSocketState.Closed;
                        }

                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                await _received.Writer.WriteAsync(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            _closed.TrySetResult(null);
        }
    }
}

public static class FakeIds
{
    public const string Bot = "100";
    public const string User = "200";
    public const string Guild = "300";
    public const string Channel = "400";
    public const string Application = "700";
    public const string Session = "session-abc";
}
