using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets;
using AigcMesh.Evaluation;
using AigcMesh.Evaluation.Features;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Registry;
using AigcMesh.Models;
using AigcMesh.Storage;
using Microsoft.Extensions.Options;

namespace AigcMesh.Evaluator.Evaluations;

/// <summary>A request the evaluator cannot carry out, with the reason for the failure event.</summary>
public sealed class EvaluationRejectedException(string reason) : Exception(reason);

/// <summary>Loads a registered model, its data set and feature network, and runs the image or text evaluation (on the calling thread).</summary>
public sealed class EvaluationRunner(ArtifactStore store, FeatureNetworkCache featureNetworks, IOptions<EvaluatorOptions> options)
{
    public EvaluationReport Run(RegisteredModel model, int sampleCount, IReadOnlyList<string>? references, string? prompt, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var config = ModelRegistry.ConfigOf(model);
        if (!ArtifactId.TryParse(model.WeightsArtifactId, out var weightsId) || !store.Exists(weightsId))
            throw new EvaluationRejectedException($"The weights of model {model.ModelId} ({model.WeightsArtifactId}) are not in the artifact store.");
        switch (ModelFamilies.ModalityOf(model.Family))
        {
            case DatasetModality.Image:
                {
                    using var data = DatasetReader.OpenImages(store, model.DatasetId);
                    var (network, _) = featureNetworks.GetOrTrain(data, settings.FeatureNetworkSteps, cancellationToken: cancellationToken);
                    using (network)
                    using (var weights = store.OpenRead(weightsId))
                    using (var imageModel = ModelFamilies.LoadImageModel(model.Family, config, weights))
                    {
                        var imageOptions = new ImageEvaluationOptions(sampleCount, 0, settings.KidSubsets, settings.KidSubsetSize);
                        return ImageEvaluator.Evaluate(imageModel, data, network, imageOptions, cancellationToken);
                    }
                }
            case DatasetModality.Text:
                {
                    using var data = DatasetReader.OpenText(store, model.DatasetId, config.GetValueOrDefault("tokenizer") ?? "bpe");
                    using var weights = store.OpenRead(weightsId);
                    using var textModel = ModelFamilies.LoadTextModel(model.Family, config, weights);
                    var textOptions = new TextEvaluationOptions(settings.MaxHeldOutTokens, Math.Min(sampleCount, settings.TextSampleCount), settings.TextSampleTokens,
                        References: references, Prompt: prompt);
                    return TextEvaluator.Evaluate(textModel, data, textOptions, cancellationToken);
                }
            default:
                throw new EvaluationRejectedException($"Model {model.ModelId} has unknown family '{model.Family}'.");
        }
    }
}
