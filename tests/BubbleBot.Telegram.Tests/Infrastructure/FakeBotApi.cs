using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BubbleBot.Telegram.Tests.Infrastructure;

/// <summary>One recorded Bot API request: the method and its parameters, however the client encoded them.</summary>
public sealed record ApiCall(int Sequence, string Method, string Token, JsonObject Parameters)
{
    public long ChatId => long.Parse(Parameters["chat_id"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    public string Text => Parameters["text"]?.GetValue<string>() ?? string.Empty;

    public int? ReplyTo => Parameters["reply_parameters"]?["message_id"]?.GetValue<int>();

    public int? Offset => Parameters["offset"]?.GetValue<int>();

    /// <summary>The parse_mode a sendMessage asked for; null when it was sent without one (plain text).</summary>
    public string? ParseMode => Parameters["parse_mode"]?.GetValue<string>() is { Length: > 0 } mode ? mode : null;

    /// <summary>When it arrived (<see cref="System.Diagnostics.Stopwatch"/> timestamp), for the load benchmark.</summary>
    public long At { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
}

/// <summary>
/// A Bot API server on 127.0.0.1 that behaves like Telegram for the calls the adapter makes: getUpdates (with
/// offsets and long polling), getMe, sendMessage, sendChatAction, deleteWebhook, setWebhook, setMyCommands,
/// answerCallbackQuery, editMessageReplyMarkup. It records every call
/// and can answer the next call of a method with a scripted error.
/// </summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const long BotId = 999;
    public const string BotUsername = "BubbleTestBot";

    private readonly Lock _gate = new();
    private readonly List<ApiCall> _calls = [];
    private readonly List<JsonObject> _updates = [];
    private readonly Dictionary<string, Queue<(int Status, string Body)>> _scripted = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _nextMessageId = 5000;

    /// <summary>The id of the last message the bot sent.</summary>
    public int LastSentMessageId => Volatile.Read(ref _nextMessageId);
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = string.Empty;

    public static async Task<FakeBotApi> StartAsync()
    {
        var api = new FakeBotApi();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Map("/bot{token}/{method}", api.HandleAsync);
        await app.StartAsync();
        api._app = app;
        api.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return api;
    }

    public IReadOnlyList<ApiCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<ApiCall> CallsOf(string method) => [.. Calls.Where(c => c.Method == method)];

    /// <summary>Makes updates available to getUpdates (and wakes a waiting long poll).</summary>
    public void Deliver(params JsonObject[] updates)
    {
        lock (_gate)
        {
            _updates.AddRange(updates);
        }

        Signal();
    }

    /// <summary>The next call of <paramref name="method"/> gets this error instead of its normal answer.</summary>
    public void FailNext(string method, int status, string body)
    {
        lock (_gate)
        {
            if (!_scripted.TryGetValue(method, out var queue))
            {
                _scripted[method] = queue = new Queue<(int, string)>();
            }

            queue.Enqueue((status, body));
        }
    }

    public void FailNextWithRetryAfter(string method, int retryAfter) => FailNext(method, 429, new JsonObject
    {
        ["ok"] = false,
        ["error_code"] = 429,
        ["description"] = $"Too Many Requests: retry after {retryAfter}",
        ["parameters"] = new JsonObject { ["retry_after"] = retryAfter },
    }.ToJsonString());

    /// <summary>Waits (on signals, not on time) until the recorded calls satisfy <paramref name="condition"/>.</summary>
    public async Task<IReadOnlyList<ApiCall>> WaitUntilAsync(Func<IReadOnlyList<ApiCall>, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            var calls = Calls;
            if (condition(calls))
            {
                return calls;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {what}. Calls: {string.Join(", ", calls.Select(c => c.Method + c.Parameters.ToJsonString()))}");
            }
        }
    }

    public async Task<IReadOnlyList<ApiCall>> WaitForMessagesAsync(long chatId, int count) =>
        (await WaitUntilAsync(calls => calls.Count(c => c.Method == "sendMessage" && c.ChatId == chatId) >= count, $"{count} sendMessage to chat {chatId}"))
            .Where(c => c.Method == "sendMessage" && c.ChatId == chatId).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context, string token, string method)
    {
        var parameters = await ReadParametersAsync(context.Request);
        ApiCall call;
        (int Status, string Body)? scripted = null;
        lock (_gate)
        {
            call = new ApiCall(_calls.Count + 1, method, token, parameters);
            _calls.Add(call);
            if (_scripted.TryGetValue(method, out var queue) && queue.Count > 0)
            {
                scripted = queue.Dequeue();
            }
        }

        Signal();
        if (scripted is { } error)
        {
            await WriteAsync(context, error.Status, error.Body);
            return;
        }

        var result = method switch
        {
            "getUpdates" => await GetUpdatesAsync(call, context.RequestAborted),
            "getMe" => new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Bubble", ["username"] = BotUsername },
            "sendMessage" => SentMessage(call),
            "editMessageReplyMarkup" => EditedMessage(call),
            "answerCallbackQuery" => JsonValue.Create(true),
            "sendChatAction" or "deleteWebhook" or "setWebhook" or "setMyCommands" => JsonValue.Create(true),
            _ => null,
        };
        if (result is null)
        {
            await WriteAsync(context, 404, """{"ok":false,"error_code":404,"description":"Not Found"}""");
            return;
        }

        await WriteAsync(context, 200, new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString());
    }

    private async Task<JsonNode> GetUpdatesAsync(ApiCall call, CancellationToken aborted)
    {
        var offset = call.Offset ?? 0;
        var limit = call.Parameters["limit"]?.GetValue<int>() ?? 100;
        var timeout = call.Parameters["timeout"]?.GetValue<int>() ?? 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(TimeSpan.FromSeconds(Math.Min(timeout, 2)));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                // Like Telegram: an offset confirms (forgets) every earlier update.
                _updates.RemoveAll(u => u["update_id"]!.GetValue<int>() < offset);
                if (_updates.Count > 0 || timeout == 0)
                {
                    return new JsonArray([.. _updates.Take(limit).Select(u => u.DeepClone())]);
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return new JsonArray();
            }
        }
    }

    private JsonObject SentMessage(ApiCall call)
    {
        var id = Interlocked.Increment(ref _nextMessageId);
        return new JsonObject
        {
            ["message_id"] = id,
            ["date"] = 1760000000,
            ["chat"] = new JsonObject { ["id"] = call.ChatId, ["type"] = "private" },
            ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Bubble", ["username"] = BotUsername },
            ["text"] = call.Text,
        };
    }

    private static JsonObject EditedMessage(ApiCall call) => new()
    {
        ["message_id"] = call.Parameters["message_id"]!.GetValue<int>(),
        ["date"] = 1760000000,
        ["chat"] = new JsonObject { ["id"] = call.ChatId, ["type"] = "private" },
        ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Bubble", ["username"] = BotUsername },
        ["text"] = "an answer",
        ["reply_markup"] = call.Parameters["reply_markup"]?.DeepClone(),
    };

    /// <summary>Telegram accepts query strings, forms and JSON bodies; collect whichever the client used.</summary>
    private static async Task<JsonObject> ReadParametersAsync(HttpRequest request)
    {
        var parameters = new JsonObject();
        foreach (var (key, value) in request.Query)
        {
            parameters[key] = ParseValue(value.ToString());
        }

        if (request.HasJsonContentType())
        {
            var body = await JsonNode.ParseAsync(request.Body);
            foreach (var (key, value) in body?.AsObject() ?? [])
            {
                parameters[key] = value?.DeepClone();
            }
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form)
            {
                parameters[key] = ParseValue(value.ToString());
            }
        }

        return parameters;
    }

    private static JsonNode? ParseValue(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
