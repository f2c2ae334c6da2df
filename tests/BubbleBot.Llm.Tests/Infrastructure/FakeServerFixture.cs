namespace BubbleBot.Llm.Tests.Infrastructure;

/// <summary>One fake model server per test class; each test resets its script and records.</summary>
public sealed class FakeServerFixture : IAsyncLifetime
{
    public FakeModelServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
