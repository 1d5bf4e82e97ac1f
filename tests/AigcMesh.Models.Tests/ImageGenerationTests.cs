using AigcMesh.Models.Tests.TestData;

namespace AigcMesh.Models.Tests;

/// <summary>Generation from latents through the image models' inference path (chunks of 256, pixels copied out per chunk).</summary>
public sealed class ImageGenerationTests
{
    [Theory]
    [InlineData("dcgan")]
    [InlineData("vae")]
    public void Every_image_lands_in_its_own_place_whatever_batch_or_chunk_it_is_computed_in(string family)
    {
        using var data = InMemoryImageDataset.Shapes(64, 8);
        var hyperparameters = new Dictionary<string, string> { ["latent_size"] = "8", ["batch_size"] = "16" };
        if (family == "dcgan") (hyperparameters["generator_width"], hyperparameters["discriminator_width"]) = ("8", "8");
        else hyperparameters["width"] = "8";
        using var trainer = ModelFamilies.CreateTrainer(family, hyperparameters, data, seed: 1);
        TrainerChecks.Train(trainer, 1);
        using var model = ModelFamilies.LoadImageModel(family, trainer.ModelConfig, new MemoryStream(TrainerChecks.Weights(trainer)));

        // 300 latents span two chunks (256 + 44); each image must equal the same latent generated alone.
        var latents = Enumerable.Range(0, 300).Select(i => model.Latent(i)).ToList();
        var all = model.GenerateFromLatents(latents);
        Assert.Equal(300, all.Count);
        // (Within float rounding: a batch of one may take another BLAS kernel, e.g. gemv for the first layer.)
        foreach (var i in new[] { 0, 1, 255, 256, 299 })
        {
            var alone = model.GenerateFromLatents([latents[i]]).Pixels;
            var placed = all.Slice(i).Pixels;
            Assert.True(alone.Zip(placed).All(p => Math.Abs(p.First - p.Second) < 1e-4f), $"image {i} differs from the same latent generated alone");
        }
        Assert.NotEqual(all.Slice(0).Pixels, all.Slice(1).Pixels);
        Assert.All(all.Pixels, p => Assert.InRange(p, -1f, 1f));
    }
}
