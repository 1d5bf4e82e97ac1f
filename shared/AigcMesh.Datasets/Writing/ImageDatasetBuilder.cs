using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Manifest;
using AigcMesh.Storage;

namespace AigcMesh.Datasets.Writing;

/// <summary>
/// Stores an image data set in one pass over its images: each image, given in source order, is appended to the
/// shard of the split the seeded split puts it in, and that shard is hashed while it is written (no copy of the
/// images per split, no second pass to hash them). Class counts and per-channel sums are taken on the way.
/// <see cref="Complete"/> writes the label shards and the manifest; disposing without it leaves nothing behind.
/// The bytes, and so the ids, are exactly those of storing the same images all at once.
/// </summary>
public sealed class ImageDatasetBuilder : IDisposable
{
    private const int ProgressEvery = 4096;

    private readonly DatasetImportOptions options;
    private readonly string sourceKind;
    private readonly IProgress<ImportProgress>? progress;
    private readonly StagedArtifacts staged;
    private readonly int count;
    private readonly int channels;
    private readonly int height;
    private readonly int width;
    private readonly IReadOnlyList<string> classNames;
    private readonly SeededSplit split;
    private readonly byte[] splitOf;
    private readonly ArtifactWriter[] pixelWriters;
    private readonly byte[][] labelBytes;
    private readonly int[] written = new int[3];
    private readonly long[][] classCounts;
    private readonly long[] sums;
    private readonly long[] squares;
    private int added;

    public ImageDatasetBuilder(
        ArtifactStore store, int count, int channels, int height, int width, IReadOnlyList<string> classNames,
        DatasetImportOptions options, string sourceKind, IProgress<ImportProgress>? progress = null)
    {
        if (channels is not (1 or 3)) throw new InvalidDatasetSourceException($"Images must have 1 or 3 channels (got {channels}).");
        if (height <= 0 || width <= 0) throw new InvalidDatasetSourceException("Images must have a positive size.");
        if (count <= 0) throw new InvalidDatasetSourceException("The source holds no images.");
        if (classNames.Count == 0) throw new InvalidDatasetSourceException("A data set needs at least one class.");
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = classNames;
        this.options = options;
        this.sourceKind = sourceKind;
        this.progress = progress;
        split = SeededSplit.Create(count, options.ValidationFraction, options.TestFraction, options.Seed);
        splitOf = new byte[count];
        foreach (var which in SeededSplit.All)
        {
            foreach (var index in split.Of(which)) splitOf[index] = (byte)which;
        }
        staged = new StagedArtifacts(store);
        pixelWriters = new ArtifactWriter[3];
        labelBytes = new byte[3][];
        classCounts = new long[3][];
        try
        {
            foreach (var which in SeededSplit.All)
            {
                pixelWriters[(int)which] = store.CreateWriter();
                labelBytes[(int)which] = new byte[split.Of(which).Length * sizeof(int)];
                classCounts[(int)which] = new long[classNames.Count];
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        sums = new long[channels];
        squares = new long[channels];
    }

    public int ImageBytes => channels * height * width;

    /// <summary>Adds the next image (uint8, CHW) and its label.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> image, int label)
    {
        if (image.Length != ImageBytes) throw new ArgumentException($"An image is {ImageBytes} bytes (got {image.Length}).", nameof(image));
        if (added >= count) throw new InvalidOperationException($"All {count} images were already added.");
        if ((uint)label >= (uint)classNames.Count) throw new InvalidDatasetSourceException($"Label {label} is outside the {classNames.Count} classes.");
        var which = splitOf[added];
        pixelWriters[which].Write(image);
        BinaryPrimitives.WriteInt32LittleEndian(labelBytes[which].AsSpan(written[which] * sizeof(int)), label);
        written[which]++;
        classCounts[which][label]++;
        var plane = height * width;
        for (var c = 0; c < channels; c++)
        {
            var (sum, square) = PixelSums.Of(image.Slice(c * plane, plane));
            sums[c] += sum;
            squares[c] += square;
        }
        added++;
        if (added % ProgressEvery == 0 || added == count) progress?.Report(new ImportProgress("writing shards", added, count));
    }

    /// <summary>Stores the label shards and the manifest, once every image was added; returns the data set.</summary>
    public DatasetWriteResult Complete()
    {
        if (added != count) throw new InvalidOperationException($"{added} of {count} images were added.");
        var shards = new List<ImageShard>();
        var splitStatistics = new List<SplitStatistics>();
        foreach (var which in SeededSplit.All)
        {
            var pixels = staged.Commit(pixelWriters[(int)which]);
            var labels = staged.Put(labelBytes[(int)which]);
            var n = split.Of(which).Length;
            shards.Add(new ImageShard(which, n, pixels, labels));
            splitStatistics.Add(new SplitStatistics(which, n, classCounts[(int)which], null, null, null));
        }
        var (means, stds) = ChannelStatistics();
        var manifest = new DatasetManifest(
            DatasetManifest.CurrentFormatVersion,
            DatasetModality.Image,
            sourceKind,
            new ImageManifest(
                new ImagePreprocessing(options.ImageSize, options.Channels, options.ValidationFraction, options.TestFraction, options.Seed,
                    Resize: "bilinear to ImageSize x ImageSize when the source differs", PixelScaling: "uint8; p / 127.5 - 1 when read for training"),
                channels, height, width, classNames, shards),
            null,
            new DatasetStatistics(splitStatistics, means, stds, null, null));
        return DatasetWriter.Finish(staged, manifest);
    }

    public void Dispose()
    {
        foreach (var writer in pixelWriters) writer?.Dispose();
        staged.Dispose();
    }

    /// <summary>Per-channel mean and standard deviation of all pixels on the [0, 1] scale, rounded to 6 digits.</summary>
    private (double[] Means, double[] Stds) ChannelStatistics()
    {
        var total = (double)count * height * width;
        var means = new double[channels];
        var stds = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            var mean = sums[c] / total / 255.0;
            var variance = Math.Max(0, squares[c] / total / (255.0 * 255.0) - mean * mean);
            means[c] = Math.Round(mean, 6);
            stds[c] = Math.Round(Math.Sqrt(variance), 6);
        }
        return (means, stds);
    }
}
