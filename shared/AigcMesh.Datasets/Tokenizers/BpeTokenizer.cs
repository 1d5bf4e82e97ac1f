using System.Text;
using System.Text.RegularExpressions;

namespace AigcMesh.Datasets.Tokenizers;

/// <summary>
/// Byte-pair encoding over characters (Sennrich et al. 2016). Text is first cut into words (a letter, digit or
/// punctuation run with its leading space, or a whitespace run); inside a word the learned merges are applied in
/// the order they were learned. Ids: 0 unknown, 1..A the character alphabet, then one id per merge.
/// Decoding the encoding of any text made of alphabet characters gives the text back.
/// </summary>
public sealed partial class BpeTokenizer : ITextTokenizer
{
    public const string KindName = "bpe";
    private readonly CharTokenizer characters;
    private readonly IReadOnlyList<(int Left, int Right)> merges;
    private readonly Dictionary<(int, int), int> rankOf = [];
    private readonly string[] pieces;
    private readonly Dictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private readonly Lock cacheLock = new();

    public BpeTokenizer(string alphabet, IReadOnlyList<(int Left, int Right)> merges)
    {
        characters = new CharTokenizer(alphabet);
        this.merges = merges;
        pieces = new string[1 + alphabet.Length + merges.Count];
        pieces[0] = CharTokenizer.Unknown.ToString();
        for (var i = 0; i < alphabet.Length; i++) pieces[i + 1] = alphabet[i].ToString();
        for (var m = 0; m < merges.Count; m++)
        {
            var (left, right) = merges[m];
            var id = 1 + alphabet.Length + m;
            if (left <= 0 || right <= 0 || left >= id || right >= id)
            {
                throw new InvalidDataException($"Merge {m} refers to token ids that are not defined before it.");
            }
            pieces[id] = pieces[left] + pieces[right];
            rankOf[(left, right)] = m;
        }
    }

    public string Kind => KindName;
    public int VocabularySize => pieces.Length;
    public string Alphabet => characters.Alphabet;
    public IReadOnlyList<(int Left, int Right)> Merges => merges;

    /// <summary>The text each id stands for.</summary>
    public string PieceOf(int id) => id >= 0 && id < pieces.Length ? pieces[id] : pieces[0];

    [GeneratedRegex(@" ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+", RegexOptions.CultureInvariant)]
    internal static partial Regex WordPattern();

    public int[] Encode(string text)
    {
        var result = new List<int>(text.Length / 2);
        foreach (var word in Words(text)) result.AddRange(EncodeWord(word));
        return [.. result];
    }

    public string Decode(ReadOnlySpan<int> ids)
    {
        var builder = new StringBuilder(ids.Length * 3);
        foreach (var id in ids) builder.Append(PieceOf(id));
        return builder.ToString();
    }

    /// <summary>Cuts text into words; the words concatenated are the text.</summary>
    internal static List<string> Words(string text)
    {
        var words = new List<string>();
        var position = 0;
        foreach (var match in WordPattern().EnumerateMatches(text))
        {
            // The pattern covers every character, so there are no gaps; keep any anyway as words of their own.
            if (match.Index > position) words.Add(text[position..match.Index]);
            words.Add(text.Substring(match.Index, match.Length));
            position = match.Index + match.Length;
        }
        if (position < text.Length) words.Add(text[position..]);
        return words;
    }

    private int[] EncodeWord(string word)
    {
        lock (cacheLock)
        {
            if (cache.TryGetValue(word, out var cached)) return cached;
        }
        var ids = new List<int>(word.Length);
        foreach (var c in word) ids.Add(characters.IdOf(c));
        while (ids.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < ids.Count; i++)
            {
                if (rankOf.TryGetValue((ids[i], ids[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) break;
            ids[best] = 1 + characters.Alphabet.Length + bestRank;
            ids.RemoveAt(best + 1);
        }
        var encoded = ids.ToArray();
        lock (cacheLock)
        {
            if (cache.Count < 200_000) cache[word] = encoded;
        }
        return encoded;
    }
}
