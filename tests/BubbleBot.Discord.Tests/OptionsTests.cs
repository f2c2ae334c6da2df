using BubbleBot.Core;
using BubbleBot.Discord.Gateway;
using BubbleBot.Discord.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Nothing_is_registered_without_a_token()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddDiscord();
        Assert.DoesNotContain(builder.Services, d => d.ImplementationType == typeof(DiscordGatewayService));
    }

    [Theory]
    [InlineData("Discord:GuildId", "not-a-number")]
    [InlineData("Discord:ApiBaseUrl", "discord.com")]
    [InlineData("Discord:GatewayUrl", "https://gateway.discord.gg")]
    [InlineData("Discord:AllowedGuildIds:0", "abc")]
    [InlineData("Discord:AdminUserIds:0", "admin")]
    public async Task Invalid_settings_fail_the_start_naming_the_key(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = "t",
            ["Corpus:Path"] = RepositoryPaths.Corpus,
            [key] = value,
        });

        // The adapter answers through the core, as AddDiscord documents; the host composes both.
        builder.AddBubbleBotCore();
        builder.AddDiscord();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(key.Replace(":0", string.Empty, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Defaults_match_the_documentation()
    {
        var options = new DiscordOptions();
        Assert.Equal("https://discord.com/api/v10", options.ApiBaseUrl);
        Assert.False(options.MessageContentIntent);
        Assert.Null(options.GuildId);
        Assert.Null(options.GatewayUrl);
        Assert.Empty(options.AllowedGuildIds);
        _ = RepositoryPaths.Root;
    }
}
