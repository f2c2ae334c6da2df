using System.Diagnostics;

namespace BubbleBot.Benchmarks;

/// <summary>Latency samples in milliseconds and their percentiles (nearest rank).</summary>
internal sealed class Samples(List<double> values)
{
    private readonly double[] _sorted = [.. values.Order()];

    public int Count => _sorted.Length;

    public double Mean => _sorted.Length == 0 ? double.NaN : _sorted.Average();

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public double Percentile(double p)
    {
        if (_sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    public void Into(Dictionary<string, double> metrics, string prefix)
    {
        metrics[prefix + ".p50"] = Percentile(50);
        metrics[prefix + ".p90"] = Percentile(90);
        metrics[prefix + ".p99"] = Percentile(99);
        metrics[prefix + ".max"] = Max;
        metrics[prefix + ".mean"] = Mean;
        metrics[prefix + ".n"] = Count;
    }
}

internal static class Measure
{
    /// <summary>Calls <paramref name="action"/> round-robin over the questions until the budget or sample cap is reached (at least two passes).</summary>
    public static Samples Latency(int questionCount, Action<int> action, TimeSpan budget, int maxSamples)
    {
        var values = new List<double>();
        var total = Stopwatch.StartNew();
        for (var i = 0; values.Count < maxSamples && (i < 2 * questionCount || total.Elapsed < budget); i++)
        {
            var start = Stopwatch.GetTimestamp();
            action(i % questionCount);
            values.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return new Samples(values);
    }

    /// <summary>Runs the questions for a fixed time with the given parallelism; returns completed calls per second.</summary>
    public static double Throughput(int questionCount, Action<int> action, TimeSpan duration, int degree)
    {
        long done = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, degree, new ParallelOptions { MaxDegreeOfParallelism = degree }, worker =>
        {
            for (var i = worker; clock.Elapsed < duration; i += degree)
            {
                action(i % questionCount);
                Interlocked.Increment(ref done);
            }
        });
        return done / clock.Elapsed.TotalSeconds;
    }

    public static double Ms(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public static T Ms<T>(Func<T> func, out double ms)
    {
        var start = Stopwatch.GetTimestamp();
        var result = func();
        ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return result;
    }

    public static double MiB(long bytes) => bytes / 1024.0 / 1024.0;

    public static double PeakWorkingSetMiB()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return MiB(process.PeakWorkingSet64);
    }

    public static double WorkingSetMiB()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return MiB(process.WorkingSet64);
    }

    public static double SinceProcessStartMs()
    {
        using var process = Process.GetCurrentProcess();
        return (DateTime.Now - process.StartTime).TotalMilliseconds;
    }
}
