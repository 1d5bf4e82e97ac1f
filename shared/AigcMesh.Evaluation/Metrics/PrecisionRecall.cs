using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Evaluation.Metrics;

public sealed record PrecisionRecallResult(double Precision, double Recall, int K);

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al., 2019). Each set's manifold is the union of balls around its
/// samples with radius the distance to the sample's k-th nearest neighbour in the same set. Precision: the share of
/// generated samples inside the real manifold; recall: the share of real samples inside the generated manifold.
/// Distances are computed in row blocks, so memory stays O(block x n).
/// </summary>
public static class PrecisionRecall
{
    private const int Block = 1024;

    public static PrecisionRecallResult Compute(FeatureMatrix real, FeatureMatrix generated, int k = 3)
    {
        if (real.Dimension != generated.Dimension) throw new ArgumentException("Feature dimensions differ.");
        if (real.Count <= k || generated.Count <= k) throw new ArgumentException($"Each set needs more than k = {k} samples.");
        using var scope = NewDisposeScope();
        var r = tensor(real.Values, [real.Count, real.Dimension]);
        var g = tensor(generated.Values, [generated.Count, generated.Dimension]);
        var realRadii = KthNeighbourDistances(r, k);
        var generatedRadii = KthNeighbourDistances(g, k);
        var precision = ShareInside(g, r, realRadii);
        var recall = ShareInside(r, g, generatedRadii);
        return new PrecisionRecallResult(precision, recall, k);
    }

    /// <summary>Distance of each row to its k-th nearest other row.</summary>
    public static Tensor KthNeighbourDistances(Tensor points, int k)
    {
        var n = points.shape[0];
        var radii = empty(n);
        for (long start = 0; start < n; start += Block)
        {
            using var inner = NewDisposeScope();
            var rows = points.narrow(0, start, Math.Min(Block, n - start));
            var distances = cdist(rows, points);
            // The smallest distance is the point to itself (0): the (k+1)-th smallest is the k-th neighbour.
            var (values, _) = distances.topk(k + 1, dim: 1, largest: false, sorted: true);
            radii.narrow(0, start, rows.shape[0]).copy_(values.select(1, k));
        }
        return radii;
    }

    /// <summary>The share of <paramref name="queries"/> within the radius of at least one of <paramref name="centres"/>.</summary>
    public static double ShareInside(Tensor queries, Tensor centres, Tensor radii)
    {
        var n = queries.shape[0];
        long inside = 0;
        for (long start = 0; start < n; start += Block)
        {
            using var inner = NewDisposeScope();
            var rows = queries.narrow(0, start, Math.Min(Block, n - start));
            var within = cdist(rows, centres).le(radii.unsqueeze(0)).any(1);
            inside += within.sum().item<long>();
        }
        return inside / (double)n;
    }
}
