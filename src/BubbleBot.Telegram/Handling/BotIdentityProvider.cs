using BubbleBot.Telegram.Client;
using BubbleBot.Telegram.Configuration;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace BubbleBot.Telegram.Handling;

/// <summary>Asks getMe once and remembers the answer; a failed attempt is tried again by the next caller.</summary>
internal sealed class BotIdentityProvider(TelegramApi api, IOptions<TelegramOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private BotIdentity? _identity;

    /// <summary>Who the bot is, once getMe has answered; null before.</summary>
    public BotIdentity? Known => Volatile.Read(ref _identity);

    public Task<BotIdentity> GetAsync(CancellationToken cancellationToken) => GetAsync(options.Value.SendAttempts, cancellationToken);

    /// <summary>getMe with up to <paramref name="attempts"/> tries (start-up retries in its own loop with one try each).</summary>
    public async Task<BotIdentity> GetAsync(int attempts, CancellationToken cancellationToken)
    {
        if (_identity is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_identity is null)
            {
                var me = await api.CallAsync("getMe", static (client, ct) => client.GetMe(ct), attempts, cancellationToken).ConfigureAwait(false);
                _identity = new BotIdentity(me.Id, me.Username ?? string.Empty);
            }

            return _identity;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
