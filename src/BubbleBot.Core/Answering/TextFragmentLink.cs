namespace BubbleBot.Core.Answering;

/// <summary>
/// Builds a URL text fragment (<c>#:~:text=start,end</c>) so that a browser opens the page scrolled to the quoted
/// passage and highlights it. Only used where the linked page carries the same text as the corpus.
/// </summary>
public static class TextFragmentLink
{
    /// <summary>Quotes up to this length are matched whole; longer ones by their first and last words.</summary>
    private const int WholeQuoteLength = 40;
    private const int EdgeLength = 12;

    public static string Create(string url, string quote)
    {
        var baseUrl = url.Split('#', 2)[0];
        var text = quote.Trim();
        if (text.Length <= WholeQuoteLength)
        {
            return $"{baseUrl}#:~:text={Encode(text)}";
        }

        var start = text[..StartCut(text)].TrimEnd();
        var end = text[EndCut(text)..].TrimStart();
        return $"{baseUrl}#:~:text={Encode(start)},{Encode(end)}";
    }

    /// <summary>Browsers match a directive on whole words where text has spaces, so English is cut at a space; Chinese anywhere.</summary>
    private static int StartCut(string text)
    {
        var space = text.IndexOf(' ', EdgeLength);
        return space > 0 && space <= text.Length / 2 ? space : SafeCut(text, EdgeLength);
    }

    private static int EndCut(string text)
    {
        var space = text.LastIndexOf(' ', text.Length - EdgeLength);
        return space >= text.Length / 2 ? space + 1 : SafeCut(text, text.Length - EdgeLength);
    }

    /// <summary>Never cut between the two halves of a surrogate pair.</summary>
    private static int SafeCut(string text, int index) =>
        index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) ? index - 1 : index;

    /// <summary>Percent-encodes, including '-' and ',' which are syntax inside a text directive.</summary>
    private static string Encode(string text) =>
        Uri.EscapeDataString(text).Replace("-", "%2D", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
