using System.Text;
using BubbleBot.Core.Answering;
using BubbleBot.Core.Corpus;
using BubbleBot.Core.Retrieval;
using BubbleBot.Core.Text;
using BubbleBot.Llm.Configuration;
using BubbleBot.Llm.Prompts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace BubbleBot.Llm.Answering;

/// <summary>
/// Answers with the chat model, grounded in retrieved passages: rewrite a follow-up, retrieve, prompt, validate.
/// Whatever goes wrong with the model, the asker still gets the extractive answer. The rewrite and the answer request
/// share one deadline of <c>LLM:TimeoutSeconds</c>, so a slow rewrite cannot make the asker wait twice the timeout.
/// </summary>
public sealed class ModelAnswerService(
    IRetriever retriever,
    IArticleCatalog catalog,
    PromptLibrary prompts,
    ModelCaller model,
    FollowUpRewriter rewriter,
    AnswerValidator validator,
    ExtractiveAnswerService extractive,
    IOptions<LlmOptions> options,
    ILogger<ModelAnswerService> logger) : IAnswerService
{
    public const string Stage = "answer";

    /// <summary>Enough passages for both sides of a disagreement, few enough to keep the prompt small.</summary>
    public const int Passages = 6;

    public async Task<Answer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        var question = request.Question;
        var language = LanguageDetector.Detect(question);
        var standalone = question;
        using var deadline = model.StartDeadline();
        if (request.History is { Count: > 0 } history)
        {
            standalone = await rewriter.RewriteAsync(question, history, deadline.Token, cancellationToken) ?? question;
            if (deadline.IsCancellationRequested)
            {
                // The rewrite used up the whole budget: no second wait for the answer request.
                LlmLog.DeadlineSpent(logger, options.Value.TimeoutSeconds);
                return await FallbackAsync(question, standalone, cancellationToken);
            }
        }

        var retrieval = await retriever.RetrieveAsync(new RetrievalRequest(standalone, BothSides: request.BothSides), Passages, cancellationToken);
        var asked = retrieval.Question with { Text = question, Language = language };
        if (!retrieval.Answerable)
        {
            return extractive.Refuse(asked, retrieval.Verdict);
        }

        // Both sides and an article's gist come from the articles' claims, which the quoted answer gives best.
        if (retrieval.Question.Intent == QuestionIntent.Sides || retrieval.Question.AsksForGist)
        {
            return extractive.Answer(retrieval with { Question = asked });
        }

        var passages = retrieval.Hits.Select(h => h.Chunk).ToList();
        var arguments = new KernelArguments
        {
            ["passages"] = RenderPassages(passages, language),
            ["question"] = standalone,
            ["language"] = LanguageName(language),
        };
        var reply = await model.InvokeAsync(prompts.Answer, arguments, Stage, deadline.Token, cancellationToken);
        if (reply is null)
        {
            return await FallbackAsync(question, standalone, cancellationToken);
        }

        var validated = validator.Validate(reply, passages, language);
        if (validated.NotCovered)
        {
            LlmLog.NotCovered(logger, passages.Count);
            return extractive.Refuse(asked, RelevanceVerdict.NotCovered);
        }

        if (validated.RemovedMarkers > 0 || validated.RemovedLinks > 0)
        {
            LlmLog.Sanitized(logger, validated.RemovedMarkers, validated.RemovedLinks);
        }

        if (validated.Citations.Count == 0)
        {
            LlmLog.NoValidCitations(logger, passages.Count);
            return await FallbackAsync(question, standalone, cancellationToken);
        }

        LlmLog.Answered(logger, validated.Citations.Count, passages.Count);
        return new Answer(question, validated.Text, NoAnswer: false, validated.Citations, language);
    }

    /// <summary>The extractive answer to the standalone question, framed in the asker's own words and language.</summary>
    private async Task<Answer> FallbackAsync(string question, string standalone, CancellationToken cancellationToken)
    {
        var answer = await extractive.AnswerAsync(new AnswerRequest(standalone), cancellationToken);
        return answer with { Question = question, Language = LanguageDetector.Detect(question) };
    }

    /// <summary>"[n] Title — Author, date" then the passage text; the numbers are the only ones the model may cite.</summary>
    internal string RenderPassages(IReadOnlyList<Chunk> passages, AnswerLanguage language)
    {
        var text = new StringBuilder();
        for (var i = 0; i < passages.Count; i++)
        {
            var chunk = passages[i];
            var article = catalog.Find(chunk.DocId);
            text.Append('[').Append(i + 1).Append("] ");
            if (article is not null)
            {
                text.Append(Quotes.DisplayTitle(article, language)).Append(" — ").Append(article.Author);
                if (!string.IsNullOrEmpty(article.Published))
                {
                    text.Append(", ").Append(article.Published);
                }
            }

            if (!string.IsNullOrEmpty(chunk.Heading))
            {
                text.Append(" (section: ").Append(chunk.Heading).Append(')');
            }

            text.AppendLine().AppendLine(chunk.Text.Trim()).AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    internal static string LanguageName(AnswerLanguage language) => language switch
    {
        AnswerLanguage.SimplifiedChinese => "Simplified Chinese (简体中文)",
        AnswerLanguage.TraditionalChinese => "Traditional Chinese (繁體中文)",
        _ => "English",
    };
}
