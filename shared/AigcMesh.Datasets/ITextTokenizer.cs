namespace AigcMesh.Datasets;

/// <summary>A tokenizer stored with a text data set (character-level or byte-pair encoding).</summary>
public interface ITextTokenizer
{
    /// <summary>"char" or "bpe".</summary>
    string Kind { get; }
    int VocabularySize { get; }
    int[] Encode(string text);
    string Decode(ReadOnlySpan<int> ids);
}
