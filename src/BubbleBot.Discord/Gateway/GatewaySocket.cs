using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Discord.Gateway;

/// <summary>
/// One WebSocket connection to the gateway: whole JSON messages in, size-checked and rate-limited JSON out.
/// Sends are serialized because a WebSocket allows one send at a time (heartbeats and the receive loop both send).
/// </summary>
internal sealed class GatewaySocket(TimeProvider time, ILogger logger) : IDisposable
{
    public const int MaxPayloadBytes = 4096;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SendRateLimiter _limiter = new(time);
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);

    public int? CloseCode => (int?)_socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public Task ConnectAsync(Uri uri, CancellationToken cancellationToken) => _socket.ConnectAsync(uri, cancellationToken);

    /// <summary>The next whole message, or null when the server closed the connection (see <see cref="CloseCode"/>).</summary>
    public async Task<JsonDocument?> ReceiveAsync(CancellationToken cancellationToken)
    {
        _buffer.Clear();
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer.GetMemory(8 * 1024), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            _buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(_buffer.WrittenMemory);
            }
        }
    }

    /// <summary>Sends one payload; false when it is over Discord's 4,096-byte limit (Discord would close with 4002).</summary>
    public async Task<bool> SendAsync(object payload, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Rest.DiscordJson.Options);
        if (bytes.Length > MaxPayloadBytes)
        {
            Log.PayloadTooLarge(logger, bytes.Length);
            return false;
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _limiter.AcquireAsync(cancellationToken);
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return true;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Sends a close frame without waiting for the answer (a zombie connection never answers), bounded in time.
    /// Any code but 1000/1001 keeps the session resumable. True when the close frame went out.
    /// </summary>
    public async Task<bool> CloseAsync(int code, string reason)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout, time);
        try
        {
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token);
                    return true;
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is being dropped anyway.
        }

        return false;
    }

    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
        _sendLock.Dispose();
    }
}
