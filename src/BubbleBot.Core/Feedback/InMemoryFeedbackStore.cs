namespace BubbleBot.Core.Feedback;

/// <summary>The store when no <c>Storage:DataPath</c> is set: kept for the life of the process (and used by tests).</summary>
public sealed class InMemoryFeedbackStore : IFeedbackStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QuestionRecord> _questions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AnswerId, string UserHash), VoteRecord> _votes = [];

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteAsync(IReadOnlyList<QuestionRecord> questions, IReadOnlyList<VoteRecord> votes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var question in questions)
            {
                _questions[question.Id] = question;
            }

            foreach (var vote in votes)
            {
                _votes[(vote.AnswerId, vote.UserHash)] = vote;
            }
        }

        return Task.CompletedTask;
    }

    public Task<FeedbackData> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var questions = _questions.Values.Where(q => q.At >= since).OrderBy(q => q.At).ToList();
            var ids = questions.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
            return Task.FromResult(new FeedbackData(questions, [.. _votes.Values.Where(v => ids.Contains(v.AnswerId))]));
        }
    }

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var old = _questions.Values.Where(q => q.At < before).Select(q => q.Id).ToList();
            old.ForEach(id => _questions.Remove(id));
            foreach (var key in _votes.Where(v => v.Value.At < before).Select(v => v.Key).ToList())
            {
                _votes.Remove(key);
            }

            return Task.FromResult(old.Count);
        }
    }
}
