using Microsoft.Extensions.Hosting;

namespace BubbleBot.Telegram.Tests.Infrastructure;

/// <summary>
/// A test with its own fake Bot API server, and the bot host a test starts against it; both are stopped afterwards.
/// </summary>
public abstract class BotApiTest : IAsyncLifetime
{
    protected FakeBotApi Api { get; private set; } = null!;

    protected IHost? BotHost { get; set; }

    public async Task InitializeAsync() => Api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync()
    {
        if (BotHost is not null)
        {
            await BotHost.StopAsync();
            BotHost.Dispose();
        }

        await Api.DisposeAsync();
    }
}
