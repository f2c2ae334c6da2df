using BubbleBot.Core.Configuration;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BubbleBot.Core.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BubbleBot.Llm.Embeddings;

/// <summary>
/// Chunk vectors on disk, one JSON file per embedding source (provider + endpoint + model), keyed by a hash of
/// (source + chunk text): a restart with an unchanged corpus embeds nothing, an edited article re-embeds only its changed
/// passages, and another server or provider serving a model of the same name never reuses these vectors. A file whose
/// vectors do not all have its recorded dimension is discarded (and the corpus re-embedded).
/// </summary>
public sealed class EmbeddingCache(IOptions<StorageOptions> storage, ILogger<EmbeddingCache> logger, DataPaths? paths = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary><c>&lt;Storage:DataPath&gt;/embeddings</c>, else the user's cache folder (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>)<c>/bubblebot/embeddings</c>.</summary>
    public string Folder { get; } = ResolveFolder(storage.Value.DataPath, paths);

    public string PathFor(EmbeddingSource source)
    {
        var safe = new string([.. source.Model.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return Path.Combine(Folder, $"{safe}-{Hash(source.Id)[..8]}.json");
    }

    public static string Key(EmbeddingSource source, string text) => Hash(source.Id + "\n" + text);

    /// <summary>
    /// Cached vectors by key, all of one dimension; empty when there is no cache yet, it cannot be read, or its vectors
    /// do not all have the dimension it records (it is then rebuilt).
    /// </summary>
    public Dictionary<string, float[]> Load(EmbeddingSource source)
    {
        var path = PathFor(source);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var file = JsonSerializer.Deserialize<CacheFile>(File.ReadAllBytes(path), Json);
            if (file?.Vectors is null || file.Provider != source.Provider || file.Endpoint != source.Endpoint || file.Model != source.Model)
            {
                return [];
            }

            var vectors = file.Vectors.ToDictionary(e => e.Key, e => Decode(e.Value), StringComparer.Ordinal);
            if (vectors.Values.FirstOrDefault(v => v.Length != file.Dimensions || v.Length == 0) is { } odd)
            {
                LlmLog.CacheDimensionMismatch(logger, path, file.Dimensions, odd.Length);
                return [];
            }

            return vectors;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or FormatException)
        {
            LlmLog.CacheUnreadable(logger, path, ex);
            return [];
        }
    }

    /// <summary>Removes the cache file, so that the next start embeds the corpus again.</summary>
    public void Delete(EmbeddingSource source)
    {
        var path = PathFor(source);
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LlmLog.CacheWriteFailed(logger, path, ex);
        }
    }

    /// <summary>Writes through a temporary file so that a crash mid-write never leaves a torn cache behind.</summary>
    public void Save(EmbeddingSource source, IReadOnlyDictionary<string, float[]> vectors)
    {
        var path = PathFor(source);
        try
        {
            Directory.CreateDirectory(Folder);
            var dimensions = vectors.Values.FirstOrDefault()?.Length ?? 0;
            var file = new CacheFile(source.Provider, source.Endpoint, source.Model, dimensions,
                vectors.ToDictionary(e => e.Key, e => Encode(e.Value), StringComparer.Ordinal));
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(file, Json));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LlmLog.CacheWriteFailed(logger, path, ex);
        }
    }

    internal static string ResolveFolder(string? dataPath, DataPaths? paths = null)
    {
        if (!string.IsNullOrWhiteSpace(dataPath))
        {
            // Relative to the same base folder as every other path of the bot.
            return Path.Combine(paths?.ResolveWritable(dataPath) ?? Path.GetFullPath(dataPath), "embeddings");
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

    private sealed record CacheFile(string Provider, string Endpoint, string Model, int Dimensions, Dictionary<string, string> Vectors);
}
