namespace AigcMesh.Datasets;

/// <summary>
/// Read access to an image data set's shards: uint8 pixels in CHW order per image, and a class label per image.
/// Readers scale pixels to [-1, 1] as (p / 127.5 - 1) when they build training tensors.
/// </summary>
public interface IImageDataset : IDisposable
{
    string DatasetId { get; }
    int Channels { get; }
    int Height { get; }
    int Width { get; }
    int ClassCount { get; }
    IReadOnlyList<string> ClassNames { get; }

    int Count(DatasetSplit split);

    /// <summary>Copies the images at <paramref name="indices"/> of a split: pixels (indices.Length * C*H*W bytes) and labels.</summary>
    void Read(DatasetSplit split, ReadOnlySpan<int> indices, Span<byte> pixels, Span<int> labels);
}
