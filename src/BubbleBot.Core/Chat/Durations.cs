using System.Globalization;

namespace BubbleBot.Core.Chat;

/// <summary>Durations as people read them in logs ("750 ms", "3.75 s", "2 min 30 s"), not raw TimeSpan text.</summary>
public static class Durations
{
    public static string Human(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return Math.Round(duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return Math.Round(duration.TotalSeconds, 2).ToString(CultureInfo.InvariantCulture) + " s";
        }

        var minutes = (int)duration.TotalMinutes;
        var seconds = (int)Math.Round(duration.TotalSeconds - (minutes * 60));
        return seconds == 0
            ? minutes.ToString(CultureInfo.InvariantCulture) + " min"
            : $"{minutes.ToString(CultureInfo.InvariantCulture)} min {seconds.ToString(CultureInfo.InvariantCulture)} s";
    }
}
