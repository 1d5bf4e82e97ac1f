using System.Text.Json;

namespace AigcMesh.Datasets.Tokenizers;

/// <summary>The stored form of a tokenizer: {"kind":"char"|"bpe","alphabet":"...","merges":[[left,right],...]}.</summary>
public static class TokenizerJson
{
    private sealed record StoredTokenizer(string Kind, string Alphabet, int[][] Merges);

    public static byte[] Serialize(ITextTokenizer tokenizer)
    {
        var stored = tokenizer switch
        {
            CharTokenizer c => new StoredTokenizer(CharTokenizer.KindName, c.Alphabet, []),
            BpeTokenizer b => new StoredTokenizer(BpeTokenizer.KindName, b.Alphabet, [.. b.Merges.Select(m => new[] { m.Left, m.Right })]),
            _ => throw new ArgumentException($"Cannot store a tokenizer of kind '{tokenizer.Kind}'.", nameof(tokenizer)),
        };
        return JsonSerializer.SerializeToUtf8Bytes(stored, Manifest.ManifestJson.Options);
    }

    public static ITextTokenizer Deserialize(ReadOnlySpan<byte> json)
    {
        var stored = JsonSerializer.Deserialize<StoredTokenizer>(json, Manifest.ManifestJson.Options)
            ?? throw new InvalidDataException("The tokenizer file is empty.");
        return stored.Kind switch
        {
            CharTokenizer.KindName => new CharTokenizer(stored.Alphabet),
            BpeTokenizer.KindName => new BpeTokenizer(stored.Alphabet, [.. stored.Merges.Select(ToMerge)]),
            _ => throw new InvalidDataException($"Unknown tokenizer kind '{stored.Kind}'."),
        };
    }

    private static (int, int) ToMerge(int[] pair) =>
        pair.Length == 2 ? (pair[0], pair[1]) : throw new InvalidDataException("A merge is a pair of ids.");
}
