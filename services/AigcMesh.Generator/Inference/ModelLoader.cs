using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Generation;
using AigcMesh.Datasets;
using AigcMesh.Models;
using AigcMesh.Storage;

namespace AigcMesh.Generator.Inference;

/// <summary>Loads a registered model for inference (called on the model's inference thread).</summary>
public interface IModelLoader
{
    LoadedModel Load(GeneratorModel model);
}

/// <summary>
/// Loads through the model library (ModelFamilies.LoadImageModel / LoadTextModel) from the weights in the artifact
/// store; a text model gets the tokenizer of its data set that its config names ("tokenizer": bpe or char).
/// </summary>
public sealed class FamilyModelLoader(ArtifactStore store) : IModelLoader
{
    public LoadedModel Load(GeneratorModel model)
    {
        using var weights = store.OpenRead(ArtifactId.Parse(model.WeightsArtifactId));
        switch (ModelFamilies.ModalityOf(model.Family))
        {
            case DatasetModality.Image:
                return new LoadedModel(ModelFamilies.LoadImageModel(model.Family, model.Config, weights), null, null);
            case DatasetModality.Text:
                var kind = model.Config.GetValueOrDefault("tokenizer") ?? "bpe";
                var manifest = DatasetReader.ReadManifest(store, model.DatasetId);
                var tokenization = manifest.Text?.Tokenizations.FirstOrDefault(t => t.Kind == kind)
                    ?? throw new InvalidDataException($"Data set {model.DatasetId} has no '{kind}' tokenizer for this model.");
                var tokenizer = DatasetReader.LoadTokenizer(store, tokenization.TokenizerArtifactId);
                return new LoadedModel(null, ModelFamilies.LoadTextModel(model.Family, model.Config, weights), tokenizer);
            default:
                throw new InvalidDataException($"Unknown model family '{model.Family}'.");
        }
    }
}
