using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Datasets.Manifest;
using AigcMesh.Datasets.Writing;

namespace AigcMesh.Datasets.Tests;

public sealed class ImageDatasetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(784)]
    [InlineData(4096 * 32 + 77)]
    [InlineData(3 * 4096 * 32)]
    public void Pixel_sums_equal_the_plain_loop(int length)
    {
        var values = new byte[length];
        new Random(length).NextBytes(values);
        if (length > 100) values.AsSpan(0, 100).Fill(255);
        long sum = 0, squares = 0;
        foreach (var v in values)
        {
            sum += v;
            squares += v * v;
        }
        Assert.Equal((sum, squares), PixelSums.Of(values));
    }

    [Fact]
    public async Task Synthetic_images_open_by_id_with_every_image_in_exactly_one_split()
    {
        using var temp = new TempStore();
        var id = await BuiltInDatasets.ImportSyntheticImagesAsync(temp.Store, count: 200);

        using var dataset = DatasetReader.OpenImages(temp.Store, id);
        Assert.Equal((1, 28, 28, 4), (dataset.Channels, dataset.Height, dataset.Width, dataset.ClassCount));
        Assert.Equal(200, dataset.Count(DatasetSplit.Train) + dataset.Count(DatasetSplit.Validation) + dataset.Count(DatasetSplit.Test));
        Assert.Equal(20, dataset.Count(DatasetSplit.Validation));
        Assert.Equal(20, dataset.Count(DatasetSplit.Test));
    }

    [Fact]
    public void Reading_returns_the_written_pixels_and_labels_of_the_split()
    {
        using var temp = new TempStore();
        var images = SyntheticShapes.Draw(100, seed: 7);
        var options = new DatasetImportOptions(Seed: 7);
        var result = new DatasetWriter(temp.Store).WriteImages(images, options, "test");
        var split = SeededSplit.Create(100, options.ValidationFraction, options.TestFraction, options.Seed);

        using var dataset = DatasetReader.OpenImages(temp.Store, result.DatasetId);
        int[] indices = [0, 5, dataset.Count(DatasetSplit.Validation) - 1];
        var pixels = new byte[indices.Length * 28 * 28];
        var labels = new int[indices.Length];
        dataset.Read(DatasetSplit.Validation, indices, pixels, labels);

        for (var i = 0; i < indices.Length; i++)
        {
            var source = split.Validation[indices[i]];
            Assert.Equal(images.Labels[source], labels[i]);
            Assert.True(images.Pixels.AsSpan(source * 784, 784).SequenceEqual(pixels.AsSpan(i * 784, 784)));
        }
    }

    [Fact]
    public async Task The_same_images_stored_twice_give_the_same_id_and_no_second_copy()
    {
        using var temp = new TempStore();
        var first = await BuiltInDatasets.WriteSyntheticImagesAsync(temp.Store, 64);
        var artifacts = temp.ArtifactCount;
        var second = await BuiltInDatasets.WriteSyntheticImagesAsync(temp.Store, 64);

        Assert.Equal(first.DatasetId, second.DatasetId);
        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(artifacts, temp.ArtifactCount);
    }

    [Fact]
    public async Task A_different_seed_gives_a_different_split_and_id()
    {
        using var temp = new TempStore();
        var a = await BuiltInDatasets.ImportSyntheticImagesAsync(temp.Store, 64, new DatasetImportOptions(Seed: 1));
        var b = await BuiltInDatasets.ImportSyntheticImagesAsync(temp.Store, 64, new DatasetImportOptions(Seed: 2));
        Assert.NotEqual(a, b);
        Assert.NotEqual(SeededSplit.Create(64, 0.1, 0.1, 1).Test, SeededSplit.Create(64, 0.1, 0.1, 2).Test);
        Assert.Equal(SeededSplit.Create(64, 0.1, 0.1, 1).Test, SeededSplit.Create(64, 0.1, 0.1, 1).Test);
    }

    [Fact]
    public async Task The_manifest_holds_class_counts_and_channel_statistics_and_reserialises_to_the_same_bytes()
    {
        using var temp = new TempStore();
        var result = await BuiltInDatasets.WriteSyntheticImagesAsync(temp.Store, 80);
        var loaded = DatasetReader.ReadManifest(temp.Store, result.DatasetId);

        Assert.Equal(ManifestJson.Serialize(result.Manifest), ManifestJson.Serialize(loaded));
        var train = loaded.Statistics.Splits.Single(s => s.Split == DatasetSplit.Train);
        Assert.Equal(train.Count, train.ClassCounts!.Sum());
        Assert.Equal(80, loaded.Statistics.Splits.Sum(s => s.ClassCounts!.Sum()));
        Assert.InRange(loaded.Statistics.ChannelMeans![0], 0.01, 0.9);
        Assert.InRange(loaded.Statistics.ChannelStds![0], 0.01, 0.9);
    }

    [Fact]
    public async Task Opening_an_unknown_id_or_a_text_set_as_images_is_refused()
    {
        using var temp = new TempStore();
        Assert.Throws<DatasetNotFoundException>(() => DatasetReader.OpenImages(temp.Store, new string('a', 64)));
        Assert.Throws<DatasetNotFoundException>(() => DatasetReader.OpenImages(temp.Store, "../etc/passwd"));
        var textId = await BuiltInDatasets.ImportSyntheticTextAsync(temp.Store);
        Assert.Throws<InvalidOperationException>(() => DatasetReader.OpenImages(temp.Store, textId));
    }

    [Fact]
    public void Labels_outside_the_classes_are_refused_and_nothing_is_stored()
    {
        using var temp = new TempStore();
        var images = new ImageCollection(new byte[4 * 4 * 2], [0, 3], 1, 4, 4, ["a", "b"]);
        Assert.Throws<InvalidDatasetSourceException>(() => new DatasetWriter(temp.Store).WriteImages(images, new DatasetImportOptions(), "test"));
        Assert.Equal(0, temp.ArtifactCount);
    }
}
