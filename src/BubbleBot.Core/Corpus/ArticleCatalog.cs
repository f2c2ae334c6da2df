namespace BubbleBot.Core.Corpus;

public sealed class ArticleCatalog : IArticleCatalog
{
    private readonly Dictionary<string, Article> _byId;

    public ArticleCatalog(IReadOnlyList<Article> articles)
    {
        Articles = articles;
        _byId = articles.ToDictionary(a => a.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Article> Articles { get; }

    public Article? Find(string id) => _byId.GetValueOrDefault(id);
}
