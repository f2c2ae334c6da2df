using System.Net;

namespace BubbleBot.Discord.Rest;

/// <summary>A REST call Discord refused. <see cref="Code"/> is Discord's JSON error code (for example 10062 Unknown interaction).</summary>
public sealed class DiscordApiException(HttpStatusCode status, int? code, string message)
    : Exception($"Discord answered {(int)status}: {message}")
{
    public HttpStatusCode Status { get; } = status;

    public int? Code { get; } = code;
}
