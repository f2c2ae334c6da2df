using BubbleBot.Core.Health;
using BubbleBot.Telegram.Configuration;
using Microsoft.Extensions.Options;

namespace BubbleBot.Telegram.Receiving;

/// <summary>
/// What <c>/healthz</c> shows for Telegram beside its state (which comes from <c>AdapterHealth</c>): how updates
/// arrive, how many are accepted and not yet handled (against <c>Telegram:MaxPendingUpdates</c>), and whether they are
/// journaled against a crash.
/// </summary>
internal sealed class TelegramHealthFigures(UpdateDispatcher dispatcher, UpdateJournal journal, IOptions<TelegramOptions> options) : IHealthContributor
{
    public string Adapter => PollingService.AdapterName;

    public IReadOnlyDictionary<string, object> Figures() => new Dictionary<string, object>
    {
        ["mode"] = options.Value.UseWebhook ? "webhook" : "polling",
        ["pending_updates"] = dispatcher.Pending,
        ["max_pending_updates"] = options.Value.MaxPendingUpdates,
        ["journal"] = journal.Enabled,
    };
}
