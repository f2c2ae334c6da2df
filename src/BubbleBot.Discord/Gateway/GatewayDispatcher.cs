using System.Text.Json;
using BubbleBot.Core.Chat;
using BubbleBot.Discord.Handling;
using BubbleBot.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Discord.Gateway;

/// <summary>
/// Gateway dispatches (op 0) for one adapter: READY/RESUMED establish the session, messages and interactions go to
/// the responder's admission, and slash commands are registered once per process. Never blocks the receive loop.
/// </summary>
internal sealed class GatewayDispatcher(
    GatewaySession session,
    DiscordResponder responder,
    DiscordWorkQueue queue,
    AnswerChannels answerChannels,
    AdapterHealth health,
    IOptions<DiscordOptions> options,
    ReconnectPolicy policy,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan RegistrationRetryBase = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRegistrationRetry = TimeSpan.FromMinutes(30);

    private int _commandsRegistered;
    private int _registering;

    public void Dispatch(string? name, JsonElement d, ConnectionState state, CancellationToken stoppingToken)
    {
        try
        {
            switch (name)
            {
                case "READY":
                    var user = d.GetObject("user");
                    var applicationId = d.GetObject("application")?.GetString("id") ?? user?.GetString("id") ?? string.Empty;
                    if (!session.Ready(d.GetString("session_id"), d.GetString("resume_gateway_url"), user?.GetString("id") ?? string.Empty, applicationId))
                    {
                        // Without both, a Resume cannot work: the next connection identifies afresh on the cached gateway URL.
                        Log.NotResumable(logger);
                    }

                    state.Establish(time.GetUtcNow());
                    health.Report(DiscordGatewayService.AdapterName, AdapterState.Connected);
                    Log.Ready(logger, user?.GetString("username") ?? "?", session.UserId!, applicationId);
                    RegisterCommands(applicationId, stoppingToken);
                    break;
                case "RESUMED":
                    state.Establish(time.GetUtcNow());
                    health.Report(DiscordGatewayService.AdapterName, AdapterState.Connected);
                    Log.Resumed(logger, session.Sequence);
                    break;
                case "MESSAGE_CREATE" when session.UserId is { } botId:
                    if (DiscordEvents.ParseMessage(d, botId, options.Value, answerChannels.Covers(d)) is { } message)
                    {
                        // Admission (rate limit, then a place in the shared stage) happens here, before any typing or REST call.
                        responder.Admit(message, stoppingToken);
                    }

                    break;
                case "THREAD_CREATE":
                    answerChannels.OnThreadCreate(d);
                    break;
                case "INTERACTION_CREATE":
                    if (DiscordEvents.ParseInteraction(d) is { } interaction)
                    {
                        // Acknowledged right away on its own task: the 3-second deadline must not wait behind answers.
                        queue.Run("interaction", ct => responder.AcknowledgeAsync(interaction, ct), stoppingToken);
                    }
                    else if (DiscordEvents.ParseComponent(d) is { } component)
                    {
                        queue.Run("button", ct => responder.AcknowledgeComponentAsync(component, ct), stoppingToken);
                    }

                    break;
            }
        }
        catch (Exception exception)
        {
            // One malformed event (or a bug in handling it) never ends the receive loop.
            Log.DispatchFailed(logger, exception, name ?? "?");
        }
    }

    /// <summary>
    /// Registers the slash commands once per process. The flag is set only after Discord accepted them: a failure
    /// is retried with backoff (30 s doubling, capped at 30 minutes), and a later READY retries too when no attempt is
    /// under way.
    /// </summary>
    private void RegisterCommands(string applicationId, CancellationToken stoppingToken)
    {
        if (applicationId.Length == 0 || Volatile.Read(ref _commandsRegistered) != 0
            || Interlocked.CompareExchange(ref _registering, 1, 0) != 0)
        {
            return;
        }

        queue.Run("command registration", async ct =>
        {
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    if (await responder.RegisterCommandsAsync(applicationId, ct))
                    {
                        Volatile.Write(ref _commandsRegistered, 1);
                        return;
                    }

                    var wait = policy.Backoff(attempt, RegistrationRetryBase, MaxRegistrationRetry);
                    Log.CommandRegistrationRetry(logger, Durations.Human(wait));
                    await Task.Delay(wait, time, ct);
                }
            }
            finally
            {
                Volatile.Write(ref _registering, 0);
            }
        }, stoppingToken);
    }
}
