namespace BubbleBot.Discord.Tests.Fakes;

/// <summary>A fixed random factor: the first heartbeat comes after exactly interval × value.</summary>
public sealed class FixedJitter(double value) : BubbleBot.Discord.Gateway.IGatewayJitter
{
    public double Next() => value;
}
