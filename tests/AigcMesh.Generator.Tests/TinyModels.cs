using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Models;
using AigcMesh.Storage;

namespace AigcMesh.Generator.Tests;

/// <summary>Small models trained for a few steps through the model library and stored as the trainer stores them.</summary>
public static class TinyModels
{
    /// <summary>A 16x16 DCGAN (optionally class-conditional) trained for 2 steps on synthetic shapes; its ModelRegistered event.</summary>
    public static async Task<ModelRegistered> DcganAsync(ArtifactStore store, bool conditional = false, int seed = 1, int width = 8)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(store, 64, new DatasetImportOptions(ImageSize: 16));
        using var data = DatasetReader.OpenImages(store, datasetId);
        var hyperparameters = new Dictionary<string, string>
        {
            ["generator_width"] = width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["discriminator_width"] = "8",
            ["latent_size"] = "16",
            ["batch_size"] = "16",
            ["conditional"] = conditional ? "true" : "false",
        };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Dcgan, hyperparameters, data, seed);
        trainer.TrainStep();
        trainer.TrainStep();
        using var weights = new MemoryStream();
        trainer.SaveWeights(weights);
        var weightsId = store.Put(weights.ToArray());
        return new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, ModelFamilies.Dcgan, datasetId, Guid.NewGuid(), weightsId.Value,
            trainer.ModelConfig, new Dictionary<string, double> { ["d_loss"] = 1 });
    }

    /// <summary>A registration of a model whose weights file is not a model at all (to see a load failure).</summary>
    public static ModelRegistered Broken(ArtifactStore store, string datasetId)
    {
        var weightsId = store.Put("not a TorchSharp weights file"u8);
        return new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, ModelFamilies.Dcgan, datasetId, Guid.NewGuid(), weightsId.Value,
            new Dictionary<string, string> { ["latent_size"] = "16", ["image_height"] = "16", ["image_width"] = "16" }, new Dictionary<string, double>());
    }
}
