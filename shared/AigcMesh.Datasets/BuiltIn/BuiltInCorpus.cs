namespace AigcMesh.Datasets.BuiltIn;

/// <summary>
/// The built-in small English corpus (fables and short essays written for this project, embedded in the assembly):
/// paragraphs separated by blank lines, so the tests and the embedded default need nothing installed.
/// </summary>
public static class BuiltInCorpus
{
    private const string ResourceName = "AigcMesh.Datasets.BuiltIn.builtin-corpus.txt";

    public static string Text { get; } = Load();

    /// <summary>The corpus as records (its paragraphs).</summary>
    public static IReadOnlyList<string> Paragraphs() =>
        [.. Text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Load()
    {
        using var stream = typeof(BuiltInCorpus).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
