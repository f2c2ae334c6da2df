using System.Text;

namespace BubbleBot.Core.Answering;

/// <summary>Renders an answer and its numbered sources as plain text, for the console and the command line.</summary>
public static class PlainTextRenderer
{
    public static string Render(Answer answer)
    {
        var text = new StringBuilder(answer.Text);
        if (answer.Citations.Count == 0)
        {
            return text.ToString();
        }

        var labels = AnswerLabels.For(answer.Language);
        text.Append("\n\n").Append(labels.Sources).Append(':');
        foreach (var source in answer.Sources)
        {
            text.Append('\n').Append(source.Markers).Append(' ').Append(Chat.SourceLine.Of(source, labels).TitleAndByline);
            if (source.Citation.About is { } about)
            {
                text.Append("\n    ").Append(about);
            }

            text.Append("\n    ").Append(source.Citation.Link ?? labels.NoPublicLink);
        }

        return text.ToString();
    }
}
