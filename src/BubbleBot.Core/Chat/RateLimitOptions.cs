using System.ComponentModel.DataAnnotations;

namespace BubbleBot.Core.Chat;

/// <summary>Bound from the <c>RateLimit</c> section; shared by every chat platform.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Questions one user may ask in any sliding minute (<c>RateLimit:PerUserPerMinute</c>).</summary>
    [Range(1, 1000, ErrorMessage = "RateLimit:PerUserPerMinute must be between 1 and 1000.")]
    public int PerUserPerMinute { get; set; } = 6;
}
