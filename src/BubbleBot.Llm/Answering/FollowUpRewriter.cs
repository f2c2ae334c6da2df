using System.Text;
using System.Text.RegularExpressions;
using BubbleBot.Core.Answering;
using BubbleBot.Llm.Prompts;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace BubbleBot.Llm.Answering;

/// <summary>Turns a follow-up ("and Anthropic?") into a question that retrieval can answer on its own.</summary>
public sealed partial class FollowUpRewriter(PromptLibrary prompts, ModelCaller model, ILogger<FollowUpRewriter> logger)
{
    public const string Stage = "rewrite";

    /// <summary>Earlier answers are cut to this length: the gist is enough to resolve references and keeps the request small.</summary>
    private const int AnswerExcerpt = 400;

    private const int MaxTurns = 4;
    private const int MaxQuestionLength = 1000;

    /// <summary>
    /// The standalone question, or null when the model could not be asked (the caller then falls back). The request runs
    /// within the answer's <paramref name="deadline"/>, which the answer request then shares.
    /// </summary>
    public async Task<string?> RewriteAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var arguments = new KernelArguments
        {
            ["history"] = Render(history),
            ["question"] = question,
        };
        var reply = await model.InvokeAsync(prompts.RewriteFollowUp, arguments, Stage, deadline, cancellationToken);
        var rewritten = reply is null ? null : Clean(reply);
        if (string.IsNullOrEmpty(rewritten))
        {
            LlmLog.RewriteSkipped(logger);
            return null;
        }

        LlmLog.Rewritten(logger, rewritten);
        return rewritten;
    }

    internal static string Render(IReadOnlyList<ConversationTurn> history)
    {
        var text = new StringBuilder();
        foreach (var turn in history.TakeLast(MaxTurns))
        {
            var answer = Markers().Replace(turn.Answer, string.Empty).Trim();
            if (answer.Length > AnswerExcerpt)
            {
                answer = answer[..AnswerExcerpt] + "…";
            }

            text.Append("User: ").AppendLine(turn.Question.Trim())
                .Append("Bot: ").AppendLine(answer.ReplaceLineEndings(" "))
                .AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Models like to add a label or quotes around the question; only its first line is kept.</summary>
    private static string Clean(string reply)
    {
        var line = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        line = Label().Replace(line, string.Empty).Trim().Trim('"', '“', '”', '「', '」', '\'').Trim();
        return line.Length > MaxQuestionLength ? line[..MaxQuestionLength] : line;
    }

    [GeneratedRegex(@"\[\d{1,3}\]")]
    private static partial Regex Markers();

    [GeneratedRegex(@"^(?:standalone question|rewritten question|question|问题|問題)\s*[:：]\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Label();
}
