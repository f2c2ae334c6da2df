namespace BubbleBot.Core.Health;

/// <summary>
/// A part of the bot that reports its state to <c>/healthz</c> (an adapter's connection, for example). Register one
/// with <c>services.AddSingleton&lt;IHealthContributor, …&gt;()</c>; the host reports every registered contributor.
/// </summary>
public interface IHealthContributor
{
    /// <summary>The entry's name in the report, e.g. <c>telegram</c>.</summary>
    string Name { get; }

    HealthState Report();
}

/// <summary>One contributor's state: healthy or not, a short description, and figures worth showing.</summary>
public sealed record HealthState(bool Healthy, string Description, IReadOnlyDictionary<string, object> Data);

/// <summary>Marks a registered chat platform; the host opens the console chat only when none is registered.</summary>
public sealed record ChatPlatform(string Name);
