namespace BubbleBot.Hosting;

/// <summary>A problem the operator can fix, stated in one line that names the key or file and what is expected.</summary>
public sealed class StartupError(string message) : Exception(message);
