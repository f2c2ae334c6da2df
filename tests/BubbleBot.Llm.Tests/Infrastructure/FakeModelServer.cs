using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Llm.Tests.Infrastructure;

/// <summary>A chat request as the fake server received it: the whole body and the text of all its messages.</summary>
public sealed record RecordedChat(JsonNode Body, string Prompt, string? Authorization)
{
    public string Messages(string role) => string.Join("\n", Body["messages"]!.AsArray()
        .Where(m => m!["role"]!.GetValue<string>() == role)
        .Select(m => FakeModelServer.ContentOf(m!)));
}

/// <summary>
/// An OpenAI-compatible server on 127.0.0.1 with a free port: <c>POST /v1/chat/completions</c> (non-streaming, answered by
/// a script the test sets) and <c>POST /v1/embeddings</c> (deterministic bag-of-bigram vectors). Records every request.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    public const int Dimensions = 64;

    private readonly WebApplication _app;
    private readonly Channel<RecordedChat> _arrivals = Channel.CreateUnbounded<RecordedChat>();

    private FakeModelServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The OpenAI-style endpoint (with <c>/v1</c>) to configure as <c>LLM:Endpoint</c>.</summary>
    public string Endpoint => BaseUrl + "/v1";

    public ConcurrentQueue<RecordedChat> ChatRequests { get; } = new();

    /// <summary>The inputs of each embedding request, in order.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> EmbeddingRequests { get; } = new();

    /// <summary>How the next chat request is answered; a plain reply by default.</summary>
    public Func<RecordedChat, CancellationToken, Task<IResult>> OnChat { get; set; } = (_, _) => Task.FromResult(Reply("OK [1]"));

    public int EmbeddingStatus { get; set; } = 200;

    /// <summary>When set, decides each embedding request's status (it may also wait); otherwise <see cref="EmbeddingStatus"/>.</summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task<int>>? OnEmbeddings { get; set; }

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/v1/chat/completions", (Delegate)server.ChatAsync);
        app.MapPost("/v1/embeddings", (Delegate)server.EmbeddingsAsync);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    /// <summary>Completes when the next chat request has arrived (before it is answered).</summary>
    public ValueTask<RecordedChat> NextChatArrivalAsync(CancellationToken cancellationToken) => _arrivals.Reader.ReadAsync(cancellationToken);

    public void Reset()
    {
        ChatRequests.Clear();
        EmbeddingRequests.Clear();
        OnEmbeddings = null;
        EmbeddingStatus = 200;
        while (_arrivals.Reader.TryRead(out _))
        {
        }
    }

    public static IResult Reply(string content) => Results.Json(new
    {
        id = "chatcmpl-fake",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "fake-chat",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
    });

    public static IResult Status(int status) =>
        Results.Json(new { error = new { message = "scripted failure", type = "server_error" } }, statusCode: status);

    /// <summary>Never answers; returns only when the client gives up.</summary>
    public static async Task<IResult> HangAsync(CancellationToken aborted)
    {
        await Task.Delay(Timeout.Infinite, aborted);
        return Results.Empty;
    }

    internal static string ContentOf(JsonNode message) => message["content"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
        _ => string.Empty,
    };

    /// <summary>Deterministic unit vectors: character bigrams hashed into <see cref="Dimensions"/> buckets.</summary>
    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        var lower = text.ToLowerInvariant();
        for (var i = 0; i + 1 < lower.Length; i++)
        {
            if (char.IsLetterOrDigit(lower[i]) && char.IsLetterOrDigit(lower[i + 1]))
            {
                vector[(uint)HashCode.Combine(lower[i], lower[i + 1]) % Dimensions] += 1;
            }
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    private async Task<IResult> ChatAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var prompt = string.Join("\n", body["messages"]!.AsArray().Select(m => ContentOf(m!)));
        var chat = new RecordedChat(body, prompt, context.Request.Headers.Authorization.ToString());
        ChatRequests.Enqueue(chat);
        await _arrivals.Writer.WriteAsync(chat);
        return await OnChat(chat, context.RequestAborted);
    }

    private async Task<IResult> EmbeddingsAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        IReadOnlyList<string> inputs = body["input"] switch
        {
            JsonArray array => [.. array.Select(i => i!.GetValue<string>())],
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        EmbeddingRequests.Enqueue(inputs);
        var status = OnEmbeddings is { } script ? await script(inputs, context.RequestAborted) : EmbeddingStatus;
        if (status != 200)
        {
            return Status(status);
        }

        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var data = inputs.Select((text, index) =>
        {
            var vector = Embed(text);
            object embedding = base64 ? Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()) : vector;
            return new { @object = "embedding", index, embedding };
        }).ToArray();
        return Results.Json(new { @object = "list", data, model = body["model"]?.GetValue<string>(), usage = new { prompt_tokens = 1, total_tokens = 1 } });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
