using BubbleBot.Core.Configuration;
using BubbleBot.Llm.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace BubbleBot.Llm.Prompts;

/// <summary>
/// The Semantic Kernel prompt functions, loaded once at start from <c>prompts/&lt;name&gt;/skprompt.txt</c> (the template)
/// and <c>config.json</c> (variables and execution settings), so wording can change without a rebuild.
/// </summary>
public sealed class PromptLibrary
{
    public const string AnswerPrompt = "answer";
    public const string RewritePrompt = "rewrite-followup";

    public PromptLibrary(IOptions<LlmOptions> options, DataPaths paths)
    {
        Folder = paths.Resolve(string.IsNullOrWhiteSpace(options.Value.PromptsPath) ? "prompts" : options.Value.PromptsPath);
        Answer = Load(Folder, AnswerPrompt);
        RewriteFollowUp = Load(Folder, RewritePrompt);
    }

    public string Folder { get; }

    /// <summary>Variables: passages, question, language.</summary>
    public KernelFunction Answer { get; }

    /// <summary>Variables: history, question.</summary>
    public KernelFunction RewriteFollowUp { get; }

    private static KernelFunction Load(string folder, string name)
    {
        var directory = Path.Combine(folder, name);
        var templatePath = Path.Combine(directory, "skprompt.txt");
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(templatePath) || !File.Exists(configPath))
        {
            throw new InvalidOperationException(
                $"Prompt '{name}' not found: expected {templatePath} and {configPath} (set LLM:PromptsPath to the prompts folder).");
        }

        var config = PromptTemplateConfig.FromJson(File.ReadAllText(configPath));
        config.Name ??= name;
        config.Template = File.ReadAllText(templatePath);
        return KernelFunctionFactory.CreateFromPrompt(config);
    }
}
