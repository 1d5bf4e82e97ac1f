using AigcMesh.Models.Tests.TestData;

namespace AigcMesh.Models.Tests;

public sealed class DcganTrainingTests
{
    private static readonly Dictionary<string, string> Tiny = new()
    {
        ["generator_width"] = "16",
        ["discriminator_width"] = "16",
        ["latent_size"] = "32",
        ["batch_size"] = "32",
        ["learning_rate"] = "0.001",
    };

    [Fact]
    public void Generated_images_move_towards_the_data_within_a_short_budget()
    {
        using var data = InMemoryImageDataset.Load();
        using var trainer = ModelFamilies.CreateTrainer("dcgan", Tiny, data, seed: 1);
        var before = trainer.Validate()["mean_image_mse"];

        for (var i = 0; i < 150; i++) trainer.TrainStep();

        var after = trainer.Validate()["mean_image_mse"];
        Assert.True(after < 0.5 * before, $"mean-image distance {before:F4} -> {after:F4}");
        Assert.Equal(150, trainer.Step);
    }

    [Fact]
    public void Snapshot_is_a_png_grid()
    {
        using var data = InMemoryImageDataset.Shapes(64, 16);
        using var trainer = ModelFamilies.CreateTrainer("dcgan", Tiny, data, seed: 1);

        var (content, mediaType) = trainer.Snapshot();

        Assert.Equal("image/png", mediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], content[..4]);
    }
}
