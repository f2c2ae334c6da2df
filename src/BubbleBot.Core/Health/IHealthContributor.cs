namespace BubbleBot.Core.Health;

/// <summary>
/// Extra figures for one chat adapter's entry in <c>/healthz</c> (queue lengths, for example). An adapter's state
/// (starting, connected, reconnecting, failed permanently, and why) is not reported here: it has one source,
/// <see cref="Chat.AdapterHealth"/>, which the watchdog also reads, so <c>/healthz</c> and the exit code never disagree.
/// Register one with <c>services.AddSingleton&lt;IHealthContributor, …&gt;()</c>.
/// </summary>
public interface IHealthContributor
{
    /// <summary>The adapter whose entry these figures join, as registered with <c>AddChatAdapter</c> (e.g. <c>Telegram</c>).</summary>
    string Adapter { get; }

    /// <summary>Figures read now; cheap, never blocking (the health endpoint may be polled often).</summary>
    IReadOnlyDictionary<string, object> Figures();
}

/// <summary>Marks a registered chat platform; the host opens the console chat only when none is registered.</summary>
public sealed record ChatPlatform(string Name);
