using System.Text;

namespace AigcMesh.Datasets.Tokenizers;

/// <summary>
/// One token per character (UTF-16 code unit). Id 0 is the unknown token (decoded as U+FFFD); ids 1.. are the
/// alphabet in ordinal order.
/// </summary>
public sealed class CharTokenizer : ITextTokenizer
{
    public const string KindName = "char";
    public const char Unknown = '\uFFFD';
    private readonly string alphabet;
    private readonly Dictionary<char, int> ids;

    public CharTokenizer(string alphabet)
    {
        this.alphabet = alphabet;
        ids = new Dictionary<char, int>(alphabet.Length);
        for (var i = 0; i < alphabet.Length; i++) ids[alphabet[i]] = i + 1;
    }

    /// <summary>The alphabet of every character that occurs in <paramref name="text"/>, in ordinal order.</summary>
    public static CharTokenizer FromText(string text) => new(AlphabetOf(text));

    public static string AlphabetOf(string text)
    {
        var seen = new bool[char.MaxValue + 1];
        foreach (var c in text) seen[c] = true;
        var builder = new StringBuilder();
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (seen[c]) builder.Append((char)c);
        }
        return builder.ToString();
    }

    public string Kind => KindName;
    public int VocabularySize => alphabet.Length + 1;
    public string Alphabet => alphabet;

    public int[] Encode(string text)
    {
        var result = new int[text.Length];
        for (var i = 0; i < text.Length; i++) result[i] = IdOf(text[i]);
        return result;
    }

    public int IdOf(char c) => ids.TryGetValue(c, out var id) ? id : 0;

    public string Decode(ReadOnlySpan<int> ids)
    {
        var builder = new StringBuilder(ids.Length);
        foreach (var id in ids) builder.Append(id >= 1 && id <= alphabet.Length ? alphabet[id - 1] : Unknown);
        return builder.ToString();
    }
}
