namespace BubbleBot.Core.Corpus;

/// <summary>A corpus problem that must stop the start (for example two files claiming the same id).</summary>
public sealed class CorpusException(string message) : Exception(message);
