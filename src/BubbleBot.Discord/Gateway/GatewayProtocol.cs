namespace BubbleBot.Discord.Gateway;

internal static class GatewayOpcode
{
    public const int Dispatch = 0;
    public const int Heartbeat = 1;
    public const int Identify = 2;
    public const int Resume = 6;
    public const int Reconnect = 7;
    public const int InvalidSession = 9;
    public const int Hello = 10;
    public const int HeartbeatAck = 11;
}

internal static class GatewayIntents
{
    public const int Guilds = 1 << 0;
    public const int GuildMessages = 1 << 9;
    public const int DirectMessages = 1 << 12;
    public const int MessageContent = 1 << 15;

    public static int For(DiscordOptions options) =>
        Guilds | GuildMessages | DirectMessages | (options.MessageContentIntent ? MessageContent : 0);
}

/// <summary>What to do after the gateway closed the connection with a given code.</summary>
internal enum CloseAction
{
    Resume,
    Identify,
    Stop,
}

internal static class GatewayCloseCodes
{
    /// <summary>Our own close code for dropping a connection we mean to resume (1000/1001 would end the session).</summary>
    public const int ClientReconnect = 4900;

    public static CloseAction ActionFor(int? code) => code switch
    {
        4004 or 4010 or 4011 or 4012 or 4013 or 4014 => CloseAction.Stop,
        4001 or 4003 or 4005 or 4007 or 4009 => CloseAction.Identify,
        _ => CloseAction.Resume,
    };

    public static string Describe(int code) => code switch
    {
        4004 => "authentication failed: Discord:Token is wrong or was reset",
        4010 => "invalid shard",
        4011 => "sharding required: the bot is in too many guilds for one connection",
        4012 => "invalid API version",
        4013 => "invalid intents",
        4014 => "disallowed intents: enable the Message Content intent in the developer portal or set Discord:MessageContentIntent to false",
        _ => "gateway error",
    };
}

/// <summary>The random factor for the first heartbeat and for backoff; tests supply a fixed one.</summary>
public interface IGatewayJitter
{
    /// <summary>A number in [0, 1).</summary>
    double Next();
}

internal sealed class RandomGatewayJitter : IGatewayJitter
{
    public double Next() => Random.Shared.NextDouble();
}
