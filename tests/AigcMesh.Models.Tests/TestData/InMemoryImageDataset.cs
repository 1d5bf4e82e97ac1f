using System.IO.Compression;
using AigcMesh.Datasets;

namespace AigcMesh.Models.Tests.TestData;

/// <summary>
/// A small image data set held in memory: Fashion-MNIST's test file when the Debian package is installed, else
/// synthetic 28x28 shapes (filled squares, rings, bars; one class each) that a model can learn just as clearly.
/// </summary>
public sealed class InMemoryImageDataset : IImageDataset
{
    private const string FashionMnistImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    private const string FashionMnistLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
    private readonly byte[] _pixels;
    private readonly int[] _labels;
    private readonly int _trainCount;

    private InMemoryImageDataset(string id, byte[] pixels, int[] labels, int classCount, int validationCount)
    {
        DatasetId = id;
        _pixels = pixels;
        _labels = labels;
        ClassCount = classCount;
        ClassNames = Enumerable.Range(0, classCount).Select(i => $"class {i}").ToList();
        _trainCount = labels.Length - validationCount;
    }

    public string DatasetId { get; }
    public int Channels => 1;
    public int Height => 28;
    public int Width => 28;
    public int ClassCount { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Fashion-MNIST (first <paramref name="count"/> test images) when installed, else synthetic shapes.</summary>
    public static InMemoryImageDataset Load(int count = 2048, int validationCount = 256) =>
        File.Exists(FashionMnistImages) && File.Exists(FashionMnistLabels)
            ? FashionMnist(count, validationCount)
            : Shapes(count, validationCount);

    public static InMemoryImageDataset FashionMnist(int count, int validationCount)
    {
        var images = Gunzip(FashionMnistImages);
        var labels = Gunzip(FashionMnistLabels);
        var pixels = images.AsSpan(16, count * 28 * 28).ToArray();
        return new InMemoryImageDataset("fashion-mnist", pixels, labels.Skip(8).Take(count).Select(b => (int)b).ToArray(), 10, validationCount);
    }

    public static InMemoryImageDataset Shapes(int count, int validationCount, int seed = 7)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 28 * 28];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var kind = labels[n] = n % 3;
            var (cx, cy, r) = (random.Next(9, 19), random.Next(9, 19), random.Next(5, 9));
            for (var y = 0; y < 28; y++)
                for (var x = 0; x < 28; x++)
                {
                    var (dx, dy) = (x - cx, y - cy);
                    var on = kind switch
                    {
                        0 => Math.Abs(dx) <= r && Math.Abs(dy) <= r,
                        1 => Math.Abs(Math.Sqrt(dx * dx + dy * dy) - r) < 1.5,
                        _ => Math.Abs(dx) <= 2 && Math.Abs(dy) <= r + 3,
                    };
                    pixels[n * 784 + y * 28 + x] = on ? (byte)255 : (byte)0;
                }
        }
        return new InMemoryImageDataset("shapes", pixels, labels, 3, validationCount);
    }

    public int Count(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => _trainCount,
        DatasetSplit.Validation => _labels.Length - _trainCount,
        _ => 0,
    };

    public void Read(DatasetSplit split, ReadOnlySpan<int> indices, Span<byte> pixels, Span<int> labels)
    {
        var offset = split == DatasetSplit.Validation ? _trainCount : 0;
        for (var i = 0; i < indices.Length; i++)
        {
            var index = offset + indices[i];
            _pixels.AsSpan(index * 784, 784).CopyTo(pixels.Slice(i * 784, 784));
            labels[i] = _labels[index];
        }
    }

    public void Dispose()
    {
    }

    private static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
