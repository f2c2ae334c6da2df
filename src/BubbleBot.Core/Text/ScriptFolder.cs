namespace BubbleBot.Core.Text;

/// <summary>
/// Folds text to one script and width before indexing and querying: Traditional to Simplified, full-width
/// Latin letters and digits to ASCII. The result always has the input's length.
/// </summary>
public static class ScriptFolder
{
    public static string Fold(string text) => Fold(text, ScriptTables.Default);

    public static string Fold(string text, ScriptTables tables)
    {
        return string.Create(text.Length, (text, tables), static (span, state) =>
        {
            var (source, tables) = state;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    < '\u2E80' => c,
                    _ => tables.ToSimplified(c),
                };
            }
        });
    }
}
