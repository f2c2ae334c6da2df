namespace BubbleBot.Core.Feedback;

/// <summary>
/// Where questions, answers and votes are kept. SQLite by default (<see cref="SqliteFeedbackStore"/>), in memory when
/// <c>Storage:DataPath</c> is empty; a server database can be added behind the same interface.
/// </summary>
public interface IFeedbackStore
{
    /// <summary>Creates or migrates the schema; called before the first write, and again after a failed one.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Writes one batch; a vote replaces the same user's earlier vote on the same answer.</summary>
    Task WriteAsync(IReadOnlyList<QuestionRecord> questions, IReadOnlyList<VoteRecord> votes, CancellationToken cancellationToken);

    /// <summary>Questions asked since <paramref name="since"/> and the votes on them.</summary>
    Task<FeedbackData> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Deletes questions and votes older than <paramref name="before"/>; returns the questions deleted.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
