using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Evaluation.Metrics;

/// <summary>Mean and covariance (row-major, d x d) of a feature set: what the Fréchet distance compares.</summary>
public sealed record GaussianStatistics(double[] Mean, double[] Covariance)
{
    public int Dimension => Mean.Length;

    /// <summary>Sample mean and unbiased covariance (divides by n - 1) of the rows of <paramref name="features"/>.</summary>
    public static GaussianStatistics Of(FeatureMatrix features)
    {
        if (features.Count < 2) throw new ArgumentException("Covariance needs at least 2 samples.", nameof(features));
        using var scope = NewDisposeScope();
        var x = tensor(features.Values, [features.Count, features.Dimension]).to(ScalarType.Float64);
        var mean = x.mean([0]);
        var centred = x - mean;
        var covariance = centred.t().matmul(centred) / (features.Count - 1);
        return new GaussianStatistics(mean.data<double>().ToArray(), covariance.data<double>().ToArray());
    }
}
