using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets;
using AigcMesh.Evaluation.Features;
using AigcMesh.Evaluation.Optimisation;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Evaluations;
using AigcMesh.Evaluator.Registry;
using AigcMesh.Models;
using AigcMesh.Storage;
using Microsoft.Extensions.Options;

namespace AigcMesh.Evaluator.Optimisation;

public sealed record OptimiseRequest(
    Guid ModelId,
    int Candidates = 16,
    int Keep = 4,
    long Seed = 0,
    string? Objective = null,
    int? ClassLabel = null,
    bool ContrastNormalise = true,
    string? Prompt = null,
    int MaxNewTokens = 48,
    double Temperature = 1.0,
    IReadOnlyList<string>? Blocklist = null,
    double MaxRepetitionRate = 0.5,
    double NearDuplicateJaccard = 0.8);

/// <summary>One candidate; a kept image's PNG is the artifact <see cref="ArtifactId"/>, served at <see cref="Url"/>.</summary>
public sealed record OptimisedItem(int Index, long Seed, double Score, string? ArtifactId, string? Text, string? RejectedBy, string? Url = null);

public sealed record OptimiseResponse(
    Guid ModelId,
    string Kind,
    string Objective,
    int Candidates,
    int Keep,
    double MeanScoreAll,
    double MeanScoreBest,
    IReadOnlyList<OptimisedItem> Best,
    IReadOnlyList<OptimisedItem> AllCandidates,
    ContrastReport? ContrastNormalisation,
    IReadOnlyDictionary<string, int> Filtered);

/// <summary>Best-of-n for a registered model (images: PNGs of the chosen images stored as artifacts; text: the texts).</summary>
public sealed class ContentOptimisationService(ArtifactStore store, FeatureNetworkCache featureNetworks, TorchThread torch, IOptions<EvaluatorOptions> options)
{
    public Task<OptimiseResponse> OptimiseAsync(RegisteredModel model, OptimiseRequest request, CancellationToken cancellationToken) =>
        torch.RunAsync(ct => Optimise(model, request, ct), cancellationToken);

    private OptimiseResponse Optimise(RegisteredModel model, OptimiseRequest request, CancellationToken cancellationToken)
    {
        var config = ModelRegistry.ConfigOf(model);
        if (!ArtifactId.TryParse(model.WeightsArtifactId, out var weightsId) || !store.Exists(weightsId))
            throw new EvaluationRejectedException($"The weights of model {model.ModelId} are not in the artifact store.");
        if (ModelFamilies.ModalityOf(model.Family) == DatasetModality.Image)
        {
            using var data = DatasetReader.OpenImages(store, model.DatasetId);
            var (network, _) = featureNetworks.GetOrTrain(data, options.Value.FeatureNetworkSteps, cancellationToken: cancellationToken);
            using (network)
            using (var weights = store.OpenRead(weightsId))
            using (var imageModel = ModelFamilies.LoadImageModel(model.Family, config, weights))
            {
                var (result, contrast) = ContentOptimiser.OptimiseImages(imageModel, data, network, new ImageOptimisationOptions(
                    request.Candidates, request.Keep, request.Seed, request.Objective ?? ImageScorer.Realism, request.ClassLabel, request.ContrastNormalise));
                var best = result.Best.Select(c => store.Put(c.Content.ToPngGrid(1)).ToString())
                    .Zip(result.Best, (png, c) => new OptimisedItem(c.Index, c.Seed, c.Score, png, null, null, OptimisedImages.UrlOf(png))).ToList();
                var all = result.Candidates.Select(c => new OptimisedItem(c.Index, c.Seed, c.Score, null, null, c.RejectedBy)).ToList();
                return new OptimiseResponse(model.ModelId, "image", result.Objective, all.Count, request.Keep, result.MeanScoreAll, result.MeanScoreBest, best, all, contrast, result.Rejected);
            }
        }
        if (string.IsNullOrEmpty(request.Prompt)) throw new EvaluationRejectedException("A text model needs a prompt.");
        using var text = DatasetReader.OpenText(store, model.DatasetId, config.GetValueOrDefault("tokenizer") ?? "bpe");
        using var textWeights = store.OpenRead(weightsId);
        using var textModel = ModelFamilies.LoadTextModel(model.Family, config, textWeights);
        var textResult = ContentOptimiser.OptimiseText(textModel, text.Tokenizer, new TextOptimisationOptions(
            request.Prompt, request.Candidates, request.Keep, request.Seed, request.MaxNewTokens, request.Temperature, request.Objective ?? ContentOptimiser.Likelihood,
            new TextFilterOptions(request.MaxRepetitionRate, request.Blocklist, request.NearDuplicateJaccard)));
        var textBest = textResult.Best.Select(c => new OptimisedItem(c.Index, c.Seed, c.Score, null, c.Content, null)).ToList();
        var textAll = textResult.Candidates.Select(c => new OptimisedItem(c.Index, c.Seed, c.Score, null, c.Content, c.RejectedBy)).ToList();
        return new OptimiseResponse(model.ModelId, "text", textResult.Objective, textAll.Count, request.Keep, textResult.MeanScoreAll, textResult.MeanScoreBest, textBest, textAll, null, textResult.Rejected);
    }
}
