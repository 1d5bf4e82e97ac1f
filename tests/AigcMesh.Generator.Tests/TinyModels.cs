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

    /// <summary>A 16x16 conv VAE trained for 2 steps on synthetic shapes.</summary>
    public static async Task<ModelRegistered> VaeAsync(ArtifactStore store, int seed = 3)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(store, 64, new DatasetImportOptions(ImageSize: 16));
        using var data = DatasetReader.OpenImages(store, datasetId);
        var hyperparameters = new Dictionary<string, string> { ["latent_size"] = "8", ["width"] = "8", ["batch_size"] = "16" };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Vae, hyperparameters, data, seed);
        return Registered(store, trainer, datasetId);
    }

    /// <summary>A tiny GPT (2 layers, 32 wide) trained for 2 steps on the built-in corpus's char tokens.</summary>
    public static async Task<ModelRegistered> GptAsync(ArtifactStore store, int seed = 4, int layers = 2, int embedding = 32, int context = 64)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticTextAsync(store, new DatasetImportOptions(BpeVocabularySize: 260));
        using var data = DatasetReader.OpenText(store, datasetId, "char");
        var hyperparameters = new Dictionary<string, string>
        {
            ["layers"] = $"{layers}",
            ["heads"] = "2",
            ["embedding_size"] = $"{embedding}",
            ["context_length"] = $"{context}",
            ["batch_size"] = "8",
        };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Gpt, hyperparameters, data, seed);
        return Registered(store, trainer, datasetId);
    }

    /// <summary>A tiny LSTM (1 layer, 32 hidden) trained for 2 steps on the built-in corpus's char tokens.</summary>
    public static async Task<ModelRegistered> LstmAsync(ArtifactStore store, int seed = 5)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticTextAsync(store, new DatasetImportOptions(BpeVocabularySize: 260));
        using var data = DatasetReader.OpenText(store, datasetId, "char");
        var hyperparameters = new Dictionary<string, string>
        {
            ["layers"] = "1",
            ["embedding_size"] = "16",
            ["hidden_size"] = "32",
            ["context_length"] = "32",
            ["batch_size"] = "8",
        };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Lstm, hyperparameters, data, seed);
        return Registered(store, trainer, datasetId);
    }

    private static ModelRegistered Registered(ArtifactStore store, IModelTrainer trainer, string datasetId)
    {
        trainer.TrainStep();
        trainer.TrainStep();
        using var weights = new MemoryStream();
        trainer.SaveWeights(weights);
        var weightsId = store.Put(weights.ToArray());
        return new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, trainer.Family, datasetId, Guid.NewGuid(), weightsId.Value,
            trainer.ModelConfig, new Dictionary<string, double>());
    }

    /// <summary>A registration of a model whose weights file is not a model at all (to see a load failure).</summary>
    public static ModelRegistered Broken(ArtifactStore store, string datasetId)
    {
        var weightsId = store.Put("not a TorchSharp weights file"u8);
        return new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, ModelFamilies.Dcgan, datasetId, Guid.NewGuid(), weightsId.Value,
            new Dictionary<string, string> { ["latent_size"] = "16", ["image_height"] = "16", ["image_width"] = "16" }, new Dictionary<string, double>());
    }
}
