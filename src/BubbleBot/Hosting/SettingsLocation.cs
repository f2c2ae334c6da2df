using BubbleBot.Core.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace BubbleBot.Hosting;

/// <summary>
/// Where the settings file is: the path given by <c>--config</c> or <c>BUBBLEBOT_CONFIG</c> (which must exist), else
/// <c>appsettings.json</c> in the base folder of <see cref="DataPaths"/> (the repository root in a checkout, the working
/// directory for a published build), which may be absent.
/// </summary>
public sealed record SettingsLocation(string SettingsFile, bool Named, DataPaths Paths)
{
    public const string EnvironmentVariable = "BUBBLEBOT_CONFIG";
    public const string FileName = "appsettings.json";

    public static SettingsLocation Find(string? configArgument, string? environmentValue)
    {
        var named = !string.IsNullOrWhiteSpace(configArgument) ? configArgument
            : !string.IsNullOrWhiteSpace(environmentValue) ? environmentValue
            : null;
        if (named is null)
        {
            var paths = DataPaths.ForProgram();
            return new SettingsLocation(Path.Combine(paths.BaseFolder, FileName), Named: false, paths);
        }

        var file = Path.GetFullPath(named);
        if (!File.Exists(file))
        {
            var origin = !string.IsNullOrWhiteSpace(configArgument) ? "--config" : EnvironmentVariable;
            throw new StartupError($"settings file '{file}' (from {origin}) does not exist; give the path of an appsettings.json.");
        }

        return new SettingsLocation(file, Named: true, DataPaths.ForProgram(file));
    }

    /// <summary>
    /// Replaces the builder's sources with the bot's, in order of precedence: the settings file, user secrets,
    /// environment variables, command-line arguments. Returns the settings file's source (null when there is no file).
    /// </summary>
    public JsonConfigurationSource? Apply(IConfigurationManager configuration, string[] args)
    {
        configuration.Sources.Clear();
        JsonConfigurationSource? fileSource = null;
        if (Named || File.Exists(SettingsFile))
        {
            try
            {
                configuration.AddJsonFile(SettingsFile, optional: false, reloadOnChange: false);
            }
            catch (InvalidDataException ex)
            {
                throw new StartupError($"settings file '{SettingsFile}' is not valid JSON: {(ex.InnerException ?? ex).Message}");
            }

            fileSource = configuration.Sources.OfType<JsonConfigurationSource>().Last();
        }

        configuration.AddUserSecrets(typeof(SettingsLocation).Assembly, optional: true);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
        return fileSource;
    }
}
