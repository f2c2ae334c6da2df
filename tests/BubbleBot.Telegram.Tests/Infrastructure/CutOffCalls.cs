namespace BubbleBot.Telegram.Tests.Infrastructure;

/// <summary>
/// A handler on the adapter's HttpClient that lets the first <c>passFirst</c> calls of <c>method</c> through and holds
/// the later ones: each reaches the fake Bot API (so it is recorded) and its whole response is received, but it is handed
/// back only once the caller has cancelled it. That is the moment a real call can be cancelled in: after HttpClient read
/// the response, before Telegram.Bot read the JSON out of it, where Telegram.Bot 22 reports the cancellation as a
/// <c>RequestException</c> ("There was an exception during deserialization of the response"), not as an
/// <see cref="OperationCanceledException"/>. (A transport failure during cancellation would not show it: HttpClient turns
/// that into a cancellation.) Every wait is bounded.
/// </summary>
public sealed class CutOffCalls(string method, int passFirst)
{
    private static readonly TimeSpan HoldLimit = TimeSpan.FromSeconds(15);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _method = method;
    private readonly int _passFirst = passFirst;
    private int _seen;
    private int _cutOff;

    /// <summary>Completes once a call is being held.</summary>
    public Task Holding => _holding.Task;

    /// <summary>A held call was handed back after the adapter had cancelled it.</summary>
    public bool CutOff => Volatile.Read(ref _cutOff) == 1;

    /// <summary>For <c>AddHttpMessageHandler</c>: a new handler each time the client's pipeline is built.</summary>
    public DelegatingHandler Handler() => new Cutter(this);

    private sealed class Cutter(CutOffCalls owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/" + owner._method, StringComparison.Ordinal) != true
                || Interlocked.Increment(ref owner._seen) <= owner._passFirst)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            // Recorded by the fake and read in full, then held until the adapter gives up on it.
            var response = await base.SendAsync(request, CancellationToken.None);
            await response.Content.LoadIntoBufferAsync();
            owner._holding.TrySetResult();
            try
            {
                await Task.Delay(HoldLimit, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Volatile.Write(ref owner._cutOff, 1);
                return response;
            }

            response.Dispose();
            throw new HttpRequestException($"{owner._method} was held for {HoldLimit.TotalSeconds} s and never cancelled");
        }
    }
}
