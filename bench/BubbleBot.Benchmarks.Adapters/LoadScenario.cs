using System.Diagnostics;
using System.Globalization;
using System.Text;
using BubbleBot.Core;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Chat;
using BubbleBot.Discord;
using BubbleBot.Discord.Tests.Fakes;
using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// The load scenario (not a test): 1,000 questions from 1,000 users arriving at once through each adapter's fake
/// server, with an answer layer that takes <see cref="AnswerDelay"/> like a quick model call. Every question must end
/// answered or told "busy"; anything else is lost.
/// </summary>
internal static class LoadScenario
{
    public const int Users = 1000;
    public static readonly TimeSpan AnswerDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static async Task<string> RunAsync(Answer answer)
    {
        var telegram = await TelegramAsync(answer);
        var discord = await DiscordAsync(answer);
        var stage = new AnsweringStageOptions();
        return new StringBuilder()
            .AppendLine("### Load: 1,000 questions from 1,000 users at once")
            .AppendLine()
            .AppendLine($"- Command: `dotnet run -c Release --project bench/BubbleBot.Benchmarks.Adapters -- --load --out docs/benchmarks.md`; {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; {Environment.ProcessorCount} cores; {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}")
            .AppendLine($"- All {Users} updates / `MESSAGE_CREATE`s are handed to the fake server at once (one user and, on Telegram, one chat each); the answer layer waits {AnswerDelay.TotalMilliseconds} ms and returns a constant answer; default answering stage (at most {stage.MaxConcurrent} answers at once, {stage.Capacity} accepted, {stage.PerUser} per user); rate limit 1,000 per user per minute")
            .AppendLine("- Time to answer: from the burst being handed over to that user's reply (answer or busy notice) being recorded by the fake server. Peak managed heap: sampled every 10 ms during the run (fake servers are in the same process)")
            .AppendLine()
            .AppendLine("| Adapter | answered | told busy | lost | p50 (ms) | p99 (ms) | all done (ms) | peak managed heap (MB) |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|")
            .AppendLine(telegram.Row("Telegram (long polling)"))
            .AppendLine(discord.Row("Discord (gateway + REST)"))
            .ToString();
    }

    private static async Task<Result> TelegramAsync(Answer answer)
    {
        await using var api = await FakeBotApi.StartAsync();
        using var host = await TestHosts.StartPollingAsync(
            api,
            settings => settings["RateLimit:PerUserPerMinute"] = "1000",
            TestHosts.Answers(async (_, ct) =>
            {
                await Task.Delay(AnswerDelay, ct);
                return answer;
            }));
        await api.WaitUntilAsync(calls => calls.Any(c => c.Method == "getUpdates"), "the first poll");

        using var memory = new HeapSampler();
        var start = Stopwatch.GetTimestamp();
        api.Deliver([.. Enumerable.Range(1, Users).Select(n => Updates.Private(n, n, "Is AI a bubble?", chatId: 1_000_000 + n, userId: 1_000_000 + n))]);
        IReadOnlyList<ApiCall> sends;
        try
        {
            sends = (await api.WaitUntilAsync(calls => calls.Count(c => c.Method == "sendMessage") >= Users, "every chat's reply").WaitAsync(Deadline))
                .Where(c => c.Method == "sendMessage").ToList();
        }
        catch (TimeoutException)
        {
            sends = api.CallsOf("sendMessage");
        }

        var peak = memory.Stop();
        await host.StopAsync();
        var first = sends.GroupBy(c => c.ChatId).Select(g => g.MinBy(c => c.At)!).ToList();
        return Result.From(start, first.Select(c => (c.At, c.Text.Contains("busy", StringComparison.Ordinal))), peak);
    }

    private static async Task<Result> DiscordAsync(Answer answer)
    {
        await using var fake = await FakeDiscord.StartAsync();
        var (host, connection) = await DiscordBenchHost.StartAsync(fake, TestHosts.Answers(async (_, ct) =>
        {
            await Task.Delay(AnswerDelay, ct);
            return answer;
        }));
        using var disposeHost = host;

        using var memory = new HeapSampler();
        var start = Stopwatch.GetTimestamp();
        for (var n = 1; n <= Users; n++)
        {
            await connection.SendDispatchAsync("MESSAGE_CREATE", 1 + n, new
            {
                id = (1_000_000 + n).ToString(CultureInfo.InvariantCulture),
                channel_id = FakeIds.Channel,
                guild_id = FakeIds.Guild,
                type = 0,
                content = $"<@{FakeIds.Bot}> Is AI a bubble?",
                author = new { id = (2_000_000 + n).ToString(CultureInfo.InvariantCulture), username = "someone", bot = false },
                mentions = new object[] { new { id = FakeIds.Bot, username = "BubbleBot" } },
                mention_everyone = false,
            });
        }

        var messagesPath = $"/channels/{FakeIds.Channel}/messages";
        var replies = 0;
        using (var deadline = new CancellationTokenSource(Deadline))
        {
            try
            {
                while (replies < Users && !deadline.IsCancellationRequested)
                {
                    await fake.NextRequestAsync("POST", messagesPath);
                    replies++;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        var peak = memory.Stop();
        await host.StopAsync(TimeSpan.FromSeconds(30));
        var first = fake.Requests.Where(r => r.Method == "POST" && r.Path == messagesPath)
            .GroupBy(r => r.Body!.Value.GetProperty("message_reference").GetProperty("message_id").GetString())
            .Select(g => g.MinBy(r => r.At)!)
            .ToList();
        return Result.From(start, first.Select(r => (r.At, r.Body!.Value.GetRawText().Contains("busy", StringComparison.Ordinal))), peak);
    }

    private sealed record Result(int Answered, int Busy, int Lost, Samples Times, double AllDoneMs, double PeakHeapMb)
    {
        public static Result From(long start, IEnumerable<(long At, bool Busy)> replies, long peakHeap)
        {
            var list = replies.ToList();
            var times = list.Select(r => Stopwatch.GetElapsedTime(start, r.At).TotalMilliseconds).ToList();
            return new Result(
                list.Count(r => !r.Busy),
                list.Count(r => r.Busy),
                Users - list.Count,
                new Samples(times.Count == 0 ? [0] : times),
                times.Count == 0 ? 0 : times.Max(),
                peakHeap / (1024.0 * 1024.0));
        }

        public string Row(string adapter) => string.Create(CultureInfo.InvariantCulture,
            $"| {adapter} | {Answered} | {Busy} | {(Lost == 0 ? "0" : $"**{Lost}**")} | {Times.P(50):0} | {Times.P(99):0} | {AllDoneMs:0} | {PeakHeapMb:0} |");
    }

    /// <summary>Samples the managed heap every 10 ms until stopped; returns the highest reading.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _sampling;

        public HeapSampler() => _sampling = SampleAsync(_stop.Token);

        public long Stop()
        {
            _stop.Cancel();
            return _sampling.GetAwaiter().GetResult();
        }

        public void Dispose() => _stop.Dispose();

        private static async Task<long> SampleAsync(CancellationToken cancellationToken)
        {
            var peak = GC.GetTotalMemory(false);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(false));
                }
            }
            catch (OperationCanceledException)
            {
            }

            return peak;
        }
    }
}
