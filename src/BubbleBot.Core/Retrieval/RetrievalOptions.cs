using System.ComponentModel.DataAnnotations;

namespace BubbleBot.Core.Retrieval;

/// <summary>Bound from the <c>Retrieval</c> section.</summary>
public sealed class RetrievalOptions
{
    public const string Section = "Retrieval";

    /// <summary>
    /// The share of a question's content (0–1, its words weighted by how rare they are in the articles; context
    /// sentences before the question left out) that one passage must contain before the bot answers
    /// (<c>Retrieval:MinCoverage</c>). It is one of the signals of the relevance decision; see docs/retrieval.md.
    /// </summary>
    [Range(0.05, 1.0, ErrorMessage = "Retrieval:MinCoverage must be between 0.05 and 1.")]
    public double MinCoverage { get; set; } = 0.4;

    /// <summary>English↔Chinese vocabulary used to expand English questions (<c>Retrieval:VocabularyPath</c>); operators may extend it.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Retrieval:VocabularyPath must name the vocabulary file.")]
    public string VocabularyPath { get; set; } = Path.Combine("data", "vocabulary.tsv");

    /// <summary>Chinese question words and particles ignored when matching (<c>Retrieval:StopwordsPath</c>).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Retrieval:StopwordsPath must name the stop-word file.")]
    public string StopwordsPath { get; set; } = Path.Combine("data", "stopwords.txt");
}

/// <summary>Bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// Folder for the persisted search index (<c>Storage:DataPath</c>). Empty keeps the index in memory and builds it at
    /// every start; set, the index is built once and reused while the corpus is unchanged. A relative path is resolved
    /// from the base folder of <see cref="Configuration.DataPaths"/>.
    /// </summary>
    public string? DataPath { get; set; }
}
