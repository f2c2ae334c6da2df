using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BubbleBot.Core.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm.Embeddings;

/// <summary>
/// Chunk vectors on disk, one JSON file per embedding model, keyed by a hash of (model + chunk text): a restart with an
/// unchanged corpus embeds nothing, and an edited article re-embeds only its changed passages.
/// </summary>
public sealed class EmbeddingCache(IOptions<StorageOptions> storage, ILogger<EmbeddingCache> logger)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary><c>&lt;Storage:DataPath&gt;/embeddings</c>, else the user's cache folder (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>)<c>/bubblebot/embeddings</c>.</summary>
    public string Folder { get; } = ResolveFolder(storage.Value.DataPath);

    public string PathFor(string model)
    {
        var safe = new string([.. model.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return Path.Combine(Folder, $"{safe}-{Hash(model)[..8]}.json");
    }

    public static string Key(string model, string text) => Hash(model + "\n" + text);

    /// <summary>Cached vectors by key; empty when there is no cache yet or it cannot be read (it is then rebuilt).</summary>
    public Dictionary<string, float[]> Load(string model)
    {
        var path = PathFor(model);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var file = JsonSerializer.Deserialize<CacheFile>(File.ReadAllBytes(path), Json);
            if (file?.Vectors is null || file.Model != model)
            {
                return [];
            }

            return file.Vectors.ToDictionary(e => e.Key, e => Decode(e.Value), StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or FormatException)
        {
            LlmLog.CacheUnreadable(logger, path, ex);
            return [];
        }
    }

    /// <summary>Writes through a temporary file so that a crash mid-write never leaves a torn cache behind.</summary>
    public void Save(string model, IReadOnlyDictionary<string, float[]> vectors)
    {
        var path = PathFor(model);
        try
        {
            Directory.CreateDirectory(Folder);
            var file = new CacheFile(model, vectors.ToDictionary(e => e.Key, e => Encode(e.Value), StringComparer.Ordinal));
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(file, Json));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LlmLog.CacheWriteFailed(logger, path, ex);
        }
    }

    internal static string ResolveFolder(string? dataPath)
    {
        if (!string.IsNullOrWhiteSpace(dataPath))
        {
            return Path.Combine(Path.GetFullPath(dataPath), "embeddings");
        }

        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cacheHome))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cacheHome = string.IsNullOrWhiteSpace(home) ? Path.GetTempPath() : Path.Combine(home, ".cache");
        }

        return Path.Combine(cacheHome, "bubblebot", "embeddings");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Encode(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
        return Convert.ToBase64String(bytes);
    }

    private static float[] Decode(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var vector = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, vector, 0, vector.Length * sizeof(float));
        return vector;
    }

    private sealed record CacheFile(string Model, Dictionary<string, string> Vectors);
}
