using AigcMesh.Models.Inference;
using AigcMesh.Models.Tests.TestData;

namespace AigcMesh.Models.Tests;

public sealed class VaeTrainingTests
{
    private static readonly Dictionary<string, string> Tiny = new()
    {
        ["width"] = "8",
        ["latent_size"] = "8",
        ["batch_size"] = "32",
        ["learning_rate"] = "0.003",
    };

    [Fact]
    public void Elbo_rises_clearly_on_fashion_mnist_within_a_short_budget()
    {
        using var data = InMemoryImageDataset.Load();
        using var trainer = ModelFamilies.CreateTrainer("vae", Tiny, data, seed: 1);
        var before = trainer.Validate();

        var losses = TrainerChecks.Train(trainer, 60);

        var after = trainer.Validate();
        // A 784-pixel image starts near 784 ln 2 = 543 nats (every pixel a coin flip).
        Assert.InRange(before["elbo_nats"], -600, -450);
        Assert.True(after["elbo_nats"] > before["elbo_nats"] + 150, $"ELBO {before["elbo_nats"]:F1} -> {after["elbo_nats"]:F1} nats/image");
        Assert.Equal(-after["elbo_nats"], after["val_loss"]);
        Assert.Equal(after["reconstruction_nats"] + after["kl_nats"], after["val_loss"], 2);
        Assert.True(losses[^1]["loss"] < losses[0]["loss"]);
    }

    [Fact]
    public void Same_seed_same_run() =>
        TrainerChecks.SameSeedSameRun(seed => ModelFamilies.CreateTrainer("vae", Tiny, InMemoryImageDataset.Shapes(96, 16), seed));

    [Fact]
    public void Resumed_run_continues_exactly() =>
        TrainerChecks.ResumesExactly(seed => ModelFamilies.CreateTrainer("vae", Tiny, InMemoryImageDataset.Shapes(96, 16), seed));

    [Fact]
    public void Saved_weights_load_into_a_model_that_samples_reconstructs_and_scores()
    {
        using var data = InMemoryImageDataset.Shapes(96, 16);
        using var trainer = ModelFamilies.CreateTrainer("vae", Tiny, data, seed: 3);
        TrainerChecks.Train(trainer, 5);
        var weights = TrainerChecks.Weights(trainer);

        using var a = (IVariationalImageModel)ModelFamilies.LoadImageModel("vae", trainer.ModelConfig, new MemoryStream(weights));
        using var b = (IVariationalImageModel)ModelFamilies.LoadImageModel("vae", trainer.ModelConfig, new MemoryStream(weights));
        var images = ImageBatch.FromBytes(4, 1, 28, 28, ReadImages(data, 4));

        Assert.Equal(a.Generate([1, 2, 3]).Pixels, b.Generate([1, 2, 3]).Pixels);
        Assert.Equal(a.Reconstruct(images).Pixels, b.Reconstruct(images).Pixels);
        Assert.Equal(a.NegativeElbo(images, seed: 9), b.NegativeElbo(images, seed: 9));
        Assert.Equal(trainer.ParameterCount, a.ParameterCount);
        Assert.Equal(8, a.LatentSize);
        Assert.Equal(0, a.ClassCount);
        var reconstruction = a.Reconstruct(images);
        Assert.Equal(images.Pixels.Length, reconstruction.Pixels.Length);
        Assert.All(reconstruction.Pixels, p => Assert.InRange(p, -1f, 1f));
        Assert.All(a.NegativeElbo(images), v => Assert.True(v > 0 && double.IsFinite(v)));
    }

    [Fact]
    public void Weights_of_another_shape_are_refused()
    {
        using var data = InMemoryImageDataset.Shapes(96, 16);
        using var trainer = ModelFamilies.CreateTrainer("vae", Tiny, data, seed: 3);
        var config = trainer.ModelConfig.ToDictionary();
        config["latent_size"] = "9";

        var error = Assert.Throws<InvalidDataException>(() => ModelFamilies.LoadImageModel("vae", config, new MemoryStream(TrainerChecks.Weights(trainer))));
        Assert.Contains("shape", error.Message);
    }

    [Fact]
    public void Bad_hyperparameters_are_refused_with_reasons()
    {
        var errors = ModelFamilies.Validate("vae", new Dictionary<string, string> { ["latent_size"] = "0", ["width"] = "wide", ["depth"] = "3" });

        Assert.Contains(errors, e => e.StartsWith("latent_size: 0 is outside", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("width: 'wide' is not a whole number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("depth: unknown hyperparameter", StringComparison.Ordinal));
        Assert.Empty(ModelFamilies.Validate("vae", ModelFamilies.Defaults("vae").Where(p => p.Key is "latent_size" or "width").ToDictionary()));
    }

    private static byte[] ReadImages(InMemoryImageDataset data, int count)
    {
        var pixels = new byte[count * 784];
        data.Read(AigcMesh.Datasets.DatasetSplit.Validation, Enumerable.Range(0, count).ToArray(), pixels, new int[count]);
        return pixels;
    }
}
