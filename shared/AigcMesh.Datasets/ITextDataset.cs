namespace AigcMesh.Datasets;

/// <summary>Read access to a text data set's token shards and the tokenizer that made them.</summary>
public interface ITextDataset : IDisposable
{
    string DatasetId { get; }
    ITextTokenizer Tokenizer { get; }

    long TokenCount(DatasetSplit split);

    /// <summary>Copies <paramref name="destination"/>.Length token ids of a split starting at <paramref name="offset"/>.</summary>
    void Read(DatasetSplit split, long offset, Span<int> destination);

    /// <summary>The raw (normalised) text of a split, for evaluators (compressor baselines, bits per character).</summary>
    string ReadText(DatasetSplit split);
}
