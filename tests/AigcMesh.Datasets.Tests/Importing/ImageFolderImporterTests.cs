using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Importing;
using AigcMesh.Testing;

namespace AigcMesh.Datasets.Tests.Importing;

public sealed class ImageFolderImporterTests
{
    private static readonly ImportLimits Limits = new();

    [Fact]
    public void A_folder_of_png_and_jpeg_of_any_size_and_channels_is_fitted_to_the_data_set()
    {
        using var folder = new TempDirectory();
        TestFiles.WriteTree(folder.Path, TestFiles.PetFolder());

        foreach (var channels in new[] { 1, 3 })
        {
            var images = new ImageFolderImporter(Limits).Read(SourceFile.FromPath(folder.Path), channels, 12);
            Assert.Equal(["cats", "dogs"], images.ClassNames);
            Assert.Equal([0, 0, 0, 1, 1], images.Labels);
            Assert.Equal((channels, 12, 12), (images.Channels, images.Height, images.Width));
            Assert.Equal(5 * channels * 144, images.Pixels.Length);
        }
        var rgb = new ImageFolderImporter(Limits).Read(SourceFile.FromPath(folder.Path), 3, 12);
        // a.png is red with a white square: its red plane is bright everywhere, its blue plane only in the square.
        Assert.True(rgb.Pixels.AsSpan(0, 144).ToArray().Average(p => p) > 240);
        Assert.True(rgb.Pixels.AsSpan(288, 144).ToArray().Average(p => p) < 120);
    }

    [Fact]
    public void A_zip_of_the_folder_gives_the_same_data_set_as_the_folder()
    {
        using var temp = new TempStore();
        using var folder = new TempDirectory();
        var files = TestFiles.PetFolder();
        TestFiles.WriteTree(folder.Path, files);
        var zip = TestFiles.Zip(TestFiles.PetFolder("pets/"));
        var importer = new DatasetImporter(temp.Store, Limits);
        var options = new DatasetImportOptions(ImageSize: 16, ValidationFraction: 0.2, TestFraction: 0.2);

        var fromFolder = importer.Import(DatasetSourceKind.ImageFolder, SourceFile.FromPath(folder.Path), options);
        var fromZip = importer.Import(DatasetSourceKind.ImageFolder, [TestFiles.InMemory("pets.zip", zip)], options);

        Assert.Equal(fromFolder.DatasetId, fromZip.DatasetId);
        Assert.True(fromZip.AlreadyExisted);
    }

    public static TheoryData<string, string> BadZips()
    {
        var png = TestFiles.Image(8, 8, SkiaSharp.SKColors.Red);
        return new TheoryData<string, string>
        {
            { Convert.ToBase64String(TestFiles.Zip([("../evil/a.png", png), ("cats/b.png", png)])), "outside the folder" },
            { Convert.ToBase64String(TestFiles.Zip([("/etc/a.png", png)])), "outside the folder" },
            { Convert.ToBase64String(TestFiles.Zip([("cats/../../a.png", png)])), "outside the folder" },
            { Convert.ToBase64String(TestFiles.Zip([("cats/bomb.png", new byte[20 << 20])], System.IO.Compression.CompressionLevel.Optimal)), "zip bomb" },
            { Convert.ToBase64String(TestFiles.Zip([])), "no images" },
            { Convert.ToBase64String(TestFiles.Zip([("cats/a.png", png), ("cats/notes.txt", "hello"u8.ToArray())])), "does not decode" },
            { Convert.ToBase64String(TestFiles.Zip([("cats/a.png", png[..(png.Length / 2)])])), "does not decode" },
            { Convert.ToBase64String(TestFiles.Zip([("a.png", png), ("cats/b.png", png)])), "not inside a class folder" },
            { Convert.ToBase64String("PK\u0003\u0004 not really a zip"u8.ToArray()), "not a readable zip" },
        };
    }

    [Theory]
    [MemberData(nameof(BadZips))]
    public void A_bad_zip_is_refused_naming_the_cause_and_leaves_nothing(string zip, string cause)
    {
        using var temp = new TempStore();
        var limits = new ImportLimits { MaxDecodedBytes = 8 << 20, MaxZipRatio = 100 };
        var error = Assert.Throws<InvalidDatasetSourceException>(() => new DatasetImporter(temp.Store, limits)
            .Import(DatasetSourceKind.ImageFolder, [TestFiles.InMemory("upload.zip", Convert.FromBase64String(zip))], new DatasetImportOptions()));
        Assert.Contains(cause, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, temp.ArtifactCount);
    }

    [Fact]
    public void A_zip_bomb_within_the_size_limit_is_stopped_by_the_ratio_limit()
    {
        var zip = TestFiles.Zip([("cats/bomb.png", new byte[4 << 20])], System.IO.Compression.CompressionLevel.Optimal);
        var error = Assert.Throws<InvalidDatasetSourceException>(() =>
            new ImageFolderImporter(new ImportLimits { MaxZipRatio = 50 }).Read([TestFiles.InMemory("bomb.zip", zip)], 1, 28));
        Assert.Contains("ratio", error.Message);
    }

    [Fact]
    public void An_empty_folder_is_refused()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(folder.Path, "cats"));
        File.WriteAllText(Path.Combine(folder.Path, "cats", ".hidden"), "x");
        var error = Assert.Throws<InvalidDatasetSourceException>(() => new ImageFolderImporter(Limits).Read(SourceFile.FromPath(folder.Path), 1, 28));
        Assert.Contains("no images", error.Message);
    }
}
