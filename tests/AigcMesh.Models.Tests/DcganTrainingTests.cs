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

    private static readonly Dictionary<string, string> Conditional = new(Tiny) { ["conditional"] = "true" };

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
    public void Same_seed_same_run() =>
        TrainerChecks.SameSeedSameRun(seed => ModelFamilies.CreateTrainer("dcgan", Tiny, InMemoryImageDataset.Shapes(96, 16), seed));

    [Fact]
    public void Resumed_run_continues_exactly() =>
        TrainerChecks.ResumesExactly(seed => ModelFamilies.CreateTrainer("dcgan", Conditional, InMemoryImageDataset.Shapes(96, 16), seed));

    [Fact]
    public void Saved_weights_load_into_a_generator_with_identical_outputs()
    {
        using var data = InMemoryImageDataset.Shapes(96, 16);
        using var trainer = ModelFamilies.CreateTrainer("dcgan", Conditional, data, seed: 3);
        TrainerChecks.Train(trainer, 3);
        var weights = TrainerChecks.Weights(trainer);

        using var a = ModelFamilies.LoadImageModel("dcgan", trainer.ModelConfig, new MemoryStream(weights));
        using var b = ModelFamilies.LoadImageModel("dcgan", trainer.ModelConfig, new MemoryStream(weights));

        Assert.Equal(a.Generate([1, 2, 3], [0, 1, 2]).Pixels, b.Generate([1, 2, 3], [0, 1, 2]).Pixels);
        Assert.NotEqual(a.Generate([1], [0]).Pixels, a.Generate([1], [1]).Pixels);
        Assert.Equal(3, a.ClassCount);
        Assert.Equal(trainer.ParameterCount, a.ParameterCount);
    }

    [Fact]
    public void Bad_hyperparameters_are_refused_with_reasons()
    {
        Assert.Contains(ModelFamilies.Validate("dcgan", new Dictionary<string, string> { ["conditional"] = "maybe" }),
            e => e.StartsWith("conditional: 'maybe' is not true or false", StringComparison.Ordinal));
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
