using AigcMesh.Evaluation.Features;
using AigcMesh.Evaluation.Metrics;
using AigcMesh.Models.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Evaluation.Optimisation;

/// <summary>
/// Scores single generated images (higher is better) with the data set's feature network:
/// "realism" (Kynkäänniemi et al., 2019: max over real samples of their k-NN radius divided by the distance to the
/// image; at least 1 inside the real manifold), or "confidence" (the classifier's top class probability, or the
/// requested class's probability when a label is given).
/// </summary>
public sealed class ImageScorer : IDisposable
{
    public const string Realism = "realism";
    public const string Confidence = "confidence";
    public static IReadOnlyList<string> Objectives { get; } = [Realism, Confidence];

    private readonly FeatureNetwork network;
    private readonly Tensor realFeatures;
    private readonly Tensor realRadii;

    public ImageScorer(FeatureNetwork network, ImageBatch realImages, int k = 3)
    {
        this.network = network;
        using var scope = NewDisposeScope();
        var features = network.Features(realImages);
        var real = tensor(features.Values, [features.Count, features.Dimension]);
        var radii = PrecisionRecall.KthNeighbourDistances(real, k);
        realFeatures = real.MoveToOuterDisposeScope();
        realRadii = radii.MoveToOuterDisposeScope();
    }

    public double[] Score(ImageBatch images, string objective, int? label = null)
    {
        var (features, probabilities) = network.Run(images);
        switch (objective)
        {
            case Confidence:
                return Enumerable.Range(0, images.Count).Select(i =>
                    label is { } l && l < network.ClassCount
                        ? probabilities[i * network.ClassCount + l]
                        : (double)probabilities.AsSpan(i * network.ClassCount, network.ClassCount).ToArray().Max()).ToArray();
            case Realism:
                using (var scope = NewDisposeScope())
                {
                    var g = tensor(features.Values, [features.Count, features.Dimension]);
                    var ratio = realRadii.unsqueeze(0) / cdist(g, realFeatures).clamp_min(1e-12);
                    return ratio.max(1).values.to(ScalarType.Float64).data<double>().ToArray();
                }
            default:
                throw new ArgumentException($"Unknown image objective '{objective}' (known: {string.Join(", ", Objectives)}).", nameof(objective));
        }
    }

    public void Dispose()
    {
        realFeatures.Dispose();
        realRadii.Dispose();
    }
}
