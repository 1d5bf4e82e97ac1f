using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Evaluation.Metrics;

/// <summary>
/// Fréchet distance between two Gaussians (Dowson and Landau, 1982; FID, Heusel et al., 2017):
/// |m1 - m2|² + tr(S1) + tr(S2) - 2 tr((S1^½ S2 S1^½)^½). Both square roots are of symmetric positive
/// semi-definite matrices, taken through their eigen-decomposition (linalg.eigh) in float64, with eigenvalues
/// that round-off pushed below zero clamped to zero.
/// </summary>
public static class FrechetDistance
{
    public static double Compute(FeatureMatrix a, FeatureMatrix b) => Compute(GaussianStatistics.Of(a), GaussianStatistics.Of(b));

    public static double Compute(GaussianStatistics a, GaussianStatistics b)
    {
        if (a.Dimension != b.Dimension) throw new ArgumentException($"Dimensions differ: {a.Dimension} and {b.Dimension}.");
        var d = a.Dimension;
        using var scope = NewDisposeScope();
        var m1 = tensor(a.Mean);
        var m2 = tensor(b.Mean);
        var s1 = tensor(a.Covariance, [d, d]);
        var s2 = tensor(b.Covariance, [d, d]);
        var meanTerm = (m1 - m2).square().sum().item<double>();
        var root1 = SymmetricSqrt(s1);
        var middle = Symmetrised(root1.matmul(s2).matmul(root1));
        var traceOfRoot = linalg.eigvalsh(middle).clamp_min(0).sqrt().sum().item<double>();
        var distance = meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2 * traceOfRoot;
        return Math.Max(0, distance);
    }

    /// <summary>The square root of a symmetric positive semi-definite matrix: V diag(sqrt(max(λ, 0))) Vᵀ.</summary>
    public static Tensor SymmetricSqrt(Tensor matrix)
    {
        var (values, vectors) = linalg.eigh(Symmetrised(matrix));
        return vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
    }

    private static Tensor Symmetrised(Tensor m) => (m + m.t()) / 2;
}
