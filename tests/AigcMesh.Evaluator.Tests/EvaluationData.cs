using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Evaluation.Features;
using AigcMesh.Models;
using AigcMesh.Models.Inference;
using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Evaluator.Tests;

/// <summary>
/// Small real data sets shared by the tests of this assembly (built once): 400 synthetic 16x16 shape images in 4
/// classes with a feature network trained for <see cref="FeatureSteps"/> steps, and the built-in text corpus.
/// </summary>
public sealed class EvaluationData : IAsyncLifetime
{
    public const int FeatureSteps = 60;
    private readonly TempDirectory directory = new();

    public ArtifactStore Store { get; private set; } = null!;
    public string ImageDatasetId { get; private set; } = "";
    public string TextDatasetId { get; private set; } = "";
    public InMemoryFeatureNetworkIndex FeatureIndex { get; } = new();

    public static readonly Dictionary<string, string> TinyDcgan = new()
    {
        ["generator_width"] = "8",
        ["discriminator_width"] = "8",
        ["latent_size"] = "16",
        ["batch_size"] = "32",
    };

    public async Task InitializeAsync()
    {
        Store = new ArtifactStore(Path.Combine(directory.Path, "artifacts"));
        ImageDatasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(Store, 400, new DatasetImportOptions(ImageSize: 16, ValidationFraction: 0.1, TestFraction: 0.25));
        TextDatasetId = await BuiltInDatasets.ImportSyntheticTextAsync(Store);
    }

    public IImageDataset OpenImages() => DatasetReader.OpenImages(Store, ImageDatasetId);

    public FeatureNetwork FeatureNetwork()
    {
        using var data = OpenImages();
        return new FeatureNetworkCache(Store, FeatureIndex).GetOrTrain(data, FeatureSteps).Network;
    }

    /// <summary>A DCGAN trained for <paramref name="steps"/> steps on the shapes, saved and loaded as the services do.</summary>
    public (IImageModel Model, IReadOnlyDictionary<string, string> Config, byte[] Weights) Dcgan(int steps, bool conditional = false)
    {
        using var data = OpenImages();
        var hyperparameters = new Dictionary<string, string>(TinyDcgan) { ["conditional"] = conditional ? "true" : "false" };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Dcgan, hyperparameters, data, seed: 3);
        for (var i = 0; i < steps; i++) trainer.TrainStep();
        using var weights = new MemoryStream();
        trainer.SaveWeights(weights);
        var bytes = weights.ToArray();
        return (ModelFamilies.LoadImageModel(ModelFamilies.Dcgan, trainer.ModelConfig, new MemoryStream(bytes)), trainer.ModelConfig, bytes);
    }

    public Task DisposeAsync()
    {
        directory.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class EvaluationDataCollection : ICollectionFixture<EvaluationData>
{
    public const string Name = "evaluation-data";
}
