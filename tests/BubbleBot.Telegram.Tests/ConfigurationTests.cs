using BubbleBot.Telegram.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BubbleBot.Telegram.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Without_a_token_nothing_is_registered()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        builder.AddTelegram();

        Assert.DoesNotContain(builder.Services, d => d.ServiceType.Namespace?.StartsWith("BubbleBot.Telegram", StringComparison.Ordinal) == true
            || d.ImplementationType?.Namespace?.StartsWith("BubbleBot.Telegram", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("Telegram:WebhookUrl", "https://bot.example.org/telegram/webhook", "Telegram:WebhookSecret is required when Telegram:WebhookUrl is set")]
    [InlineData("Telegram:WebhookUrl", "http://bot.example.org/telegram/webhook", "Telegram:WebhookUrl must be an absolute https URL")]
    [InlineData("Telegram:ApiBaseUrl", "not a url", "Telegram:ApiBaseUrl must be an absolute http(s) URL")]
    [InlineData("Telegram:PollingTimeoutSeconds", "90", "Telegram:PollingTimeoutSeconds must be between 0 and 50")]
    [InlineData("Telegram:Token", "not-a-token", "Telegram:Token does not look like a bot token")]
    public async Task Invalid_settings_fail_the_start_naming_the_key(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telegram:Token"] = TestHosts.Token,
            ["Corpus:Path"] = TestHosts.CorpusPath,
            [key] = value,
        });
        builder.AddTelegram();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message);
        Assert.DoesNotContain(TestHosts.Token, error.Message);
    }
}
