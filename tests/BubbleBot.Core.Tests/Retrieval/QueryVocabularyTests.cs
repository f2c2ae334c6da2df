using BubbleBot.Core.Retrieval;

namespace BubbleBot.Core.Tests.Retrieval;

/// <summary>Loading the operator-editable vocabulary files from real files.</summary>
public sealed class QueryVocabularyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bubblebot-vocabulary-").FullName;

    [Fact]
    public void Each_word_of_a_synonym_group_maps_to_the_others_folded_to_simplified()
    {
        var synonyms = Write("synonyms.tsv", "# comment\n倒闭|執笠|关门\n\n倒闭|破产\n单|x\n");

        var vocabulary = QueryVocabulary.Load(Write("vocabulary.tsv", string.Empty), Write("stopwords.txt", string.Empty), null, synonyms);

        Assert.Equal(new[] { "执笠", "关门", "破产" }.Order(StringComparer.Ordinal), vocabulary.SynonymsOf("倒闭").Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "倒闭", "关门" }.Order(StringComparer.Ordinal), vocabulary.SynonymsOf("执笠").Order(StringComparer.Ordinal));
        Assert.Empty(vocabulary.SynonymsOf("单"));
        Assert.Empty(vocabulary.SynonymsOf("未知"));
    }

    [Fact]
    public void A_missing_synonym_file_means_no_synonyms()
    {
        var vocabulary = QueryVocabulary.Load(Write("vocabulary.tsv", string.Empty), Write("stopwords.txt", string.Empty), null, Path.Combine(_folder, "absent.tsv"));

        Assert.Empty(vocabulary.SynonymWords);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
