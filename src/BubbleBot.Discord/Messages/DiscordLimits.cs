namespace BubbleBot.Discord.Messages;

/// <summary>Discord's documented message limits.</summary>
internal static class DiscordLimits
{
    public const int Content = 2000;
    public const int EmbedTitle = 256;
    public const int EmbedDescription = 4096;
    public const int EmbedsTotal = 6000;
    public const int EmbedsPerMessage = 10;
}
