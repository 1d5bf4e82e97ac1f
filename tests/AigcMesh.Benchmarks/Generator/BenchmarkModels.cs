using System.Diagnostics;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Models;
using AigcMesh.Storage;

namespace AigcMesh.Benchmarks.Generator;

/// <summary>The models the generation benchmark serves (trained one step, stored, registered) and the bare GPT it compares with.</summary>
internal static class BenchmarkModels
{
    internal static async Task<ModelRegistered> ImageModelAsync(ArtifactStore store, int width, int latent, int size)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(store, 64, new DatasetImportOptions(ImageSize: size));
        using var data = DatasetReader.OpenImages(store, datasetId);
        var hyperparameters = new Dictionary<string, string>
        {
            ["generator_width"] = $"{width}",
            ["discriminator_width"] = "8",
            ["latent_size"] = $"{latent}",
            ["batch_size"] = "16",
        };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Dcgan, hyperparameters, data, seed: 1);
        return Registered(store, trainer, datasetId);
    }

    /// <summary>A 4-layer, 128-wide GPT over characters (context 256).</summary>
    internal static Task<ModelRegistered> GptAsync(ArtifactStore store) => TextModelAsync(store, ModelFamilies.Gpt, new()
    {
        ["layers"] = "4",
        ["heads"] = "4",
        ["embedding_size"] = "128",
        ["context_length"] = "256",
        ["batch_size"] = "4",
    });

    /// <summary>A 2-layer LSTM (hidden 256) over characters.</summary>
    internal static Task<ModelRegistered> LstmAsync(ArtifactStore store) => TextModelAsync(store, ModelFamilies.Lstm, new()
    {
        ["layers"] = "2",
        ["embedding_size"] = "64",
        ["hidden_size"] = "256",
        ["context_length"] = "64",
        ["batch_size"] = "4",
    });

    private static async Task<ModelRegistered> TextModelAsync(ArtifactStore store, string family, Dictionary<string, string> hyperparameters)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticTextAsync(store, new DatasetImportOptions(BpeVocabularySize: 260));
        using var data = DatasetReader.OpenText(store, datasetId, "char");
        using var trainer = ModelFamilies.CreateTrainer(family, hyperparameters, data, seed: 1);
        return Registered(store, trainer, datasetId);
    }

    internal static ModelRegistered Registered(ArtifactStore store, IModelTrainer trainer, string datasetId)
    {
        trainer.TrainStep();
        using var weights = new MemoryStream();
        trainer.SaveWeights(weights);
        return new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, trainer.Family, datasetId, Guid.NewGuid(), store.Put(weights.ToArray()).Value,
            trainer.ModelConfig, new Dictionary<string, double>());
    }

    /// <summary>The same GPT loaded in-process (with its tokenizer's encoding of the prompt).</summary>
    internal static BareModel BareGpt(ArtifactStore store, ModelRegistered gpt)
    {
        using var weights = store.OpenRead(ArtifactId.Parse(gpt.CheckpointArtifactId));
        var model = ModelFamilies.LoadTextModel(gpt.Family, gpt.Config, weights);
        using var data = DatasetReader.OpenText(store, gpt.DatasetId, gpt.Config["tokenizer"]);
        var prompt = data.Tokenizer.Encode("The");
        model.Sample(prompt, 20, 1.0, 0, 1.0, 1).Count(); // warm
        return new BareModel(model, prompt);
    }

    /// <summary>The model's own sampling loop (forward passes and sampling), in-process, same settings as served.</summary>
    internal static double BareGptTokensPerSecond(BareModel bare, int tokens)
    {
        var started = Stopwatch.GetTimestamp();
        var count = bare.Model.Sample(bare.Prompt, tokens, 1.0, 0, 1.0, 1).Count();
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    internal sealed record BareModel(AigcMesh.Models.Inference.ITextModel Model, int[] Prompt) : IDisposable
    {
        public void Dispose() => Model.Dispose();
    }
}
