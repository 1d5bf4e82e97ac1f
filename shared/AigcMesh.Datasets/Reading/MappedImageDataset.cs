using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AigcMesh.Datasets.Manifest;
using AigcMesh.Storage;

namespace AigcMesh.Datasets.Reading;

/// <summary>An image data set read straight from its memory-mapped shards.</summary>
internal sealed class MappedImageDataset : IImageDataset
{
    private readonly Dictionary<DatasetSplit, (MappedShard Pixels, MappedShard Labels, int Count)> splits = [];
    private readonly int imageBytes;

    public MappedImageDataset(ArtifactStore store, string datasetId, ImageManifest image)
    {
        DatasetId = datasetId;
        Channels = image.Channels;
        Height = image.Height;
        Width = image.Width;
        ClassNames = image.ClassNames;
        imageBytes = checked(Channels * Height * Width);
        try
        {
            foreach (var shard in image.Shards)
            {
                var count = checked((int)shard.Count);
                splits[shard.Split] = (
                    new MappedShard(store, shard.PixelsArtifactId, (long)count * imageBytes),
                    new MappedShard(store, shard.LabelsArtifactId, (long)count * sizeof(int)),
                    count);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string DatasetId { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<string> ClassNames { get; }

    public int Count(DatasetSplit split) => splits.TryGetValue(split, out var s) ? s.Count : 0;

    public void Read(DatasetSplit split, ReadOnlySpan<int> indices, Span<byte> pixels, Span<int> labels)
    {
        if (pixels.Length < indices.Length * imageBytes) throw new ArgumentException("The pixel buffer is too small.", nameof(pixels));
        if (labels.Length < indices.Length) throw new ArgumentException("The label buffer is too small.", nameof(labels));
        if (!splits.TryGetValue(split, out var s))
        {
            if (indices.Length == 0) return;
            throw new ArgumentOutOfRangeException(nameof(indices), $"The {split} split is empty.");
        }
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            if ((uint)index >= (uint)s.Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {index} is outside the {split} split ({s.Count} images).");
            s.Pixels.Bytes((long)index * imageBytes, imageBytes).CopyTo(pixels.Slice(i * imageBytes, imageBytes));
            labels[i] = BinaryPrimitives.ReadInt32LittleEndian(s.Labels.Bytes((long)index * sizeof(int), sizeof(int)));
        }
    }

    public void Dispose()
    {
        foreach (var (pixels, labels, _) in splits.Values)
        {
            pixels.Dispose();
            labels.Dispose();
        }
        splits.Clear();
    }
}

/// <summary>A text data set read from its memory-mapped token shards.</summary>
internal sealed class MappedTextDataset : ITextDataset
{
    private readonly ArtifactStore store;
    private readonly Dictionary<DatasetSplit, (MappedShard Tokens, long Count)> splits = [];
    private readonly IReadOnlyList<TextSplitText> texts;

    public MappedTextDataset(ArtifactStore store, string datasetId, TextManifest text, TextTokenization tokenization, ITextTokenizer tokenizer)
    {
        this.store = store;
        DatasetId = datasetId;
        Tokenizer = tokenizer;
        texts = text.Texts;
        try
        {
            foreach (var shard in tokenization.Shards)
            {
                splits[shard.Split] = (new MappedShard(store, shard.TokensArtifactId, shard.TokenCount * sizeof(int)), shard.TokenCount);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string DatasetId { get; }
    public ITextTokenizer Tokenizer { get; }

    public long TokenCount(DatasetSplit split) => splits.TryGetValue(split, out var s) ? s.Count : 0;

    public void Read(DatasetSplit split, long offset, Span<int> destination)
    {
        var count = TokenCount(split);
        if (offset < 0 || offset + destination.Length > count)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Tokens {offset}..{offset + destination.Length} are outside the {split} split ({count} tokens).");
        }
        if (destination.Length == 0) return;
        var bytes = splits[split].Tokens.Bytes(offset * sizeof(int), destination.Length * sizeof(int));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, int>(bytes).CopyTo(destination);
        }
        else
        {
            for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
        }
    }

    public string ReadText(DatasetSplit split)
    {
        var text = texts.FirstOrDefault(t => t.Split == split);
        if (text is null) return "";
        using var stream = store.OpenRead(ArtifactId.Parse(text.TextArtifactId));
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        foreach (var (tokens, _) in splits.Values) tokens.Dispose();
        splits.Clear();
    }
}
