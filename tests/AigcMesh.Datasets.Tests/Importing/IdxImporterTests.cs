using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Importing;
using AigcMesh.Datasets.Writing;

namespace AigcMesh.Datasets.Tests.Importing;

public sealed class IdxImporterTests
{
    private static readonly ImportLimits Limits = new();

    [Fact]
    public void A_raw_and_a_gzipped_pair_read_to_the_same_pixels_and_labels()
    {
        var (images, labels, pixels, values) = TestFiles.IdxPair(30);
        var raw = new IdxImporter(Limits).Read([TestFiles.InMemory("x-images", images), TestFiles.InMemory("x-labels", labels)]);
        var gzipped = new IdxImporter(Limits).Read([TestFiles.InMemory("y-labels.gz", TestFiles.Gzip(labels)), TestFiles.InMemory("y-images.gz", TestFiles.Gzip(images))]);

        foreach (var read in new[] { raw, gzipped })
        {
            Assert.Equal(pixels, read.Pixels);
            Assert.Equal(values.Select(v => (int)v), read.Labels);
            Assert.Equal((1, 8, 8), (read.Channels, read.Height, read.Width));
            Assert.Equal(["0", "1", "2"], read.ClassNames);
        }
    }

    [Fact]
    public async Task Real_fashion_mnist_test_set_imports_with_ten_classes()
    {
        using var temp = new TempStore();
        var files = new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" }
            .Select(f => SourceFile.FromDisk(Path.Combine(TestFiles.FashionMnist, f))).ToList();
        var result = await new DatasetImporter(temp.Store, Limits).ImportAsync(DatasetSourceKind.Idx, files, new DatasetImportOptions());

        using var dataset = DatasetReader.OpenImages(temp.Store, result.DatasetId);
        Assert.Equal(10_000, dataset.Count(DatasetSplit.Train) + dataset.Count(DatasetSplit.Validation) + dataset.Count(DatasetSplit.Test));
        Assert.Equal(10, dataset.ClassCount);
        Assert.All(result.Manifest.Statistics.Splits.Single(s => s.Split == DatasetSplit.Train).ClassCounts!, c => Assert.InRange(c, 700, 900));
        Assert.Equal("idx", result.Manifest.SourceKind);
    }

    [Fact]
    public void Idx_images_are_resized_and_made_rgb_when_the_options_ask()
    {
        var (images, labels, _, _) = TestFiles.IdxPair(4);
        var read = new IdxImporter(Limits).Read([TestFiles.InMemory("i", images), TestFiles.InMemory("l", labels)]);
        var fitted = ImageConverter.Conform(read, 3, 16);
        Assert.Equal((3, 16, 16, 4), (fitted.Channels, fitted.Height, fitted.Width, fitted.Count));
        Assert.Equal(4 * 3 * 256, fitted.Pixels.Length);
        // Gray source: the three planes are equal.
        Assert.True(fitted.Pixels.AsSpan(0, 256).SequenceEqual(fitted.Pixels.AsSpan(256, 256)));
    }

    [Fact]
    public void A_streamed_import_stores_each_split_as_its_images_in_source_order_named_by_their_sha256()
    {
        // Two RGB files (IDX 4 dimensions, HWC), one gzip'ed: the shards must be exactly what trainers expect.
        var (images1, labels1, hwc1) = RgbPair(37, seed: 1);
        var (images2, labels2, hwc2) = RgbPair(23, seed: 2);
        using var temp = new TempStore();
        var options = new DatasetImportOptions(ImageSize: 6, Channels: 3, Seed: 11);
        var result = new DatasetImporter(temp.Store, Limits).Import(DatasetSourceKind.Idx,
            [TestFiles.InMemory("a-images.gz", TestFiles.Gzip(images1)), TestFiles.InMemory("a-labels", labels1),
             TestFiles.InMemory("b-images", images2), TestFiles.InMemory("b-labels.gz", TestFiles.Gzip(labels2))], options);

        byte[] hwc = [.. hwc1, .. hwc2];
        int[] labels = [.. labels1[8..].Select(b => (int)b), .. labels2[8..].Select(b => (int)b)];
        var split = SeededSplit.Create(60, options.ValidationFraction, options.TestFraction, options.Seed);
        var manifest = result.Manifest.Image!;
        foreach (var shard in manifest.Shards)
        {
            var indices = split.Of(shard.Split);
            var pixels = indices.SelectMany(i => Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, 36).Select(p => hwc[i * 108 + p * 3 + c]))).ToArray();
            var labelBytes = indices.SelectMany(i => BitConverter.GetBytes(labels[i])).ToArray();
            Assert.Equal(indices.Length, shard.Count);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pixels)), shard.PixelsArtifactId);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(labelBytes)), shard.LabelsArtifactId);
        }
        var inMemory = new DatasetWriter(temp.Store).WriteImages(
            new IdxImporter(Limits).Read([TestFiles.InMemory("a-images", images1), TestFiles.InMemory("a-labels", labels1),
                TestFiles.InMemory("b-images", images2), TestFiles.InMemory("b-labels", labels2)]), options, "idx");
        Assert.Equal(result.DatasetId, inMemory.DatasetId);
        Assert.True(inMemory.AlreadyExisted);
        Assert.Equal(0, temp.TemporaryFileCount);
    }

    private static (byte[] Images, byte[] Labels, byte[] Hwc) RgbPair(int count, int seed)
    {
        var hwc = new byte[count * 6 * 6 * 3];
        new Random(seed).NextBytes(hwc);
        var labels = Enumerable.Range(0, count).Select(i => (byte)((i * seed) % 4)).ToArray();
        return (TestFiles.Idx([count, 6, 6, 3], hwc), TestFiles.Idx([count], labels), hwc);
    }

    public static TheoryData<string, string> BadFiles()
    {
        var (images, labels, _, _) = TestFiles.IdxPair(10);
        var wrongMagic = (byte[])images.Clone();
        wrongMagic[0] = 0x1a;
        var billions = TestFiles.Idx([2_000_000_000, 28, 28], new byte[16]);
        var shortRaw = images[..(images.Length - 7)];
        var truncatedGzip = TestFiles.Gzip(images)[..200];
        var otherCount = TestFiles.Idx([9], new byte[9]);
        var gzipLonger = TestFiles.Gzip([.. images, 1, 2, 3]);
        return new TheoryData<string, string>
        {
            { Convert.ToBase64String(wrongMagic) + "|" + Convert.ToBase64String(labels), "magic" },
            { Convert.ToBase64String(billions) + "|" + Convert.ToBase64String(labels), "over the limit" },
            { Convert.ToBase64String(shortRaw) + "|" + Convert.ToBase64String(labels), "truncated" },
            { Convert.ToBase64String(truncatedGzip) + "|" + Convert.ToBase64String(labels), "truncated" },
            { Convert.ToBase64String(images) + "|" + Convert.ToBase64String(otherCount), "Header mismatch" },
            { Convert.ToBase64String(gzipLonger) + "|" + Convert.ToBase64String(labels), "more data than its header" },
            { Convert.ToBase64String(labels), "No IDX image file" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_idx_source_is_refused_naming_the_cause_and_leaves_nothing(string files, string cause)
    {
        using var temp = new TempStore();
        var sources = files.Split('|').Select((f, i) => TestFiles.InMemory($"file{i}", Convert.FromBase64String(f))).ToList();
        var error = Assert.Throws<InvalidDatasetSourceException>(() =>
            new DatasetImporter(temp.Store, Limits).Import(DatasetSourceKind.Idx, sources, new DatasetImportOptions()));
        Assert.Contains(cause, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, temp.ArtifactCount);
        Assert.Equal(0, temp.TemporaryFileCount);
    }
}
