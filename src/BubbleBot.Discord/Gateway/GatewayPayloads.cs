using System.Text.Json.Serialization;

namespace BubbleBot.Discord.Gateway;

/// <summary>A payload the bot sends. <c>d</c> is always written, even when null (a first heartbeat carries null).</summary>
internal sealed record GatewayPayload<T>(
    int Op,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] T D);

internal sealed record IdentifyData(string Token, int Intents, IdentifyProperties Properties);

internal sealed record IdentifyProperties(string Os, string Browser, string Device)
{
    public static IdentifyProperties Instance { get; } = new(
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "linux", "bubblebot", "bubblebot");
}

internal sealed record ResumeData(
    string Token,
    string SessionId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Seq);
