using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BubbleBot.Core.Feedback;
using BubbleBot.Core.Retrieval;
using BubbleBot.Hosting;
using Microsoft.Extensions.Options;

namespace BubbleBot.Cli;

/// <summary>
/// <c>report [--json] [--since 7d]</c>: what the bot could not answer, what users voted down, which articles it leans
/// on and which it never uses, and how many questions came in each language, read from the feedback store
/// (<c>Storage:DataPath</c>), which a running bot may be writing at the same time.
/// </summary>
public static class ReportCommand
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static async Task<int> RunAsync(string[] words, string[] configuration, SettingsLocation location, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var json = false;
        var period = DefaultPeriod;
        for (var i = 0; i < words.Length; i++)
        {
            switch (words[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--since" when i + 1 < words.Length && FeedbackReport.TryParsePeriod(words[i + 1], out var since):
                    period = since;
                    i++;
                    break;
                case "--since":
                    return await CommandLine.WriteUsage(error, CommandLine.UsageError, "--since needs a period such as 7d, 24h or 30m.");
                default:
                    return await CommandLine.WriteUsage(error, CommandLine.UsageError, $"report does not take '{words[i]}'.");
            }
        }

        using var host = BubbleBotHost.CreateForCommands(configuration, location).Build();
        BubbleBotHost.ValidateBeforeStart(host.Services);
        if (string.IsNullOrWhiteSpace(host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DataPath))
        {
            await error.WriteLineAsync("error: Storage:DataPath is not set, so no feedback was kept to report on (a bot without it keeps feedback in memory only).");
            return CommandLine.Failed;
        }

        var report = await host.Services.GetRequiredService<FeedbackReporter>().ReportAsync(period, cancellationToken);
        await output.WriteLineAsync(json ? JsonSerializer.Serialize(report, Json) : report.ToText());
        await output.FlushAsync(cancellationToken);
        return CommandLine.Ok;
    }
}
