namespace BubbleBot.Core.Configuration;

/// <summary>
/// Marks an options property that holds a secret (a token, an API key): it is accepted only from the environment, user
/// secrets or the command line, and refused at start when found in a settings file.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
