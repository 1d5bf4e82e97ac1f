using AigcMesh.Datasets;

namespace AigcMesh.Models.Tests.TestData;

/// <summary>
/// A small character-level text data set in memory: the start of the fortune files when the Debian package is
/// installed, else an inline paragraph repeated. The last tenth is the validation split.
/// </summary>
public sealed class InMemoryTextDataset : ITextDataset
{
    private const string FortunesFolder = "/usr/share/games/fortunes";

    private const string Paragraph =
        "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want " +
        "of a wife. However little known the feelings or views of such a man may be on his first entering a " +
        "neighbourhood, this truth is so well fixed in the minds of the surrounding families, that he is considered " +
        "the rightful property of some one or other of their daughters.\n";

    private readonly int[] _tokens;
    private readonly int _trainCount;
    private readonly string _text;

    private InMemoryTextDataset(string text)
    {
        _text = text;
        Tokenizer = new CharTokenizer(text);
        _tokens = Tokenizer.Encode(text);
        _trainCount = _tokens.Length * 9 / 10;
    }

    public string DatasetId => "in-memory-text";
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Up to <paramref name="characters"/> characters: the fortune files in name order, else the paragraph repeated.</summary>
    public static InMemoryTextDataset Load(int characters = 100_000)
    {
        var text = new System.Text.StringBuilder();
        if (Directory.Exists(FortunesFolder))
        {
            foreach (var file in Directory.GetFiles(FortunesFolder).Where(f => Path.GetExtension(f) == "").Order(StringComparer.Ordinal))
            {
                if (text.Length >= characters) break;
                text.Append(File.ReadAllText(file));
            }
        }
        while (text.Length < characters) text.Append(Paragraph);
        return new(text.ToString()[..characters]);
    }

    public long TokenCount(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => _trainCount,
        DatasetSplit.Validation => _tokens.Length - _trainCount,
        _ => 0,
    };

    public void Read(DatasetSplit split, long offset, Span<int> destination)
    {
        var start = (split == DatasetSplit.Validation ? _trainCount : 0) + (int)offset;
        _tokens.AsSpan(start, destination.Length).CopyTo(destination);
    }

    public string ReadText(DatasetSplit split) => split == DatasetSplit.Validation ? _text[_trainCount..] : _text[.._trainCount];

    public void Dispose()
    {
    }
}

/// <summary>One token per distinct character of the text it was built from.</summary>
public sealed class CharTokenizer : ITextTokenizer
{
    private readonly char[] _characters;
    private readonly Dictionary<char, int> _ids;

    public CharTokenizer(string text)
    {
        _characters = text.Distinct().Order().ToArray();
        _ids = _characters.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
    }

    public string Kind => "char";
    public int VocabularySize => _characters.Length;
    public int[] Encode(string text) => text.Select(c => _ids.GetValueOrDefault(c)).ToArray();
    public string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new char[ids.Length];
        for (var i = 0; i < ids.Length; i++) chars[i] = _characters[ids[i]];
        return new string(chars);
    }
}
