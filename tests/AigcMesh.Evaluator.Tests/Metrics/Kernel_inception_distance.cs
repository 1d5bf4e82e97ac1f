using AigcMesh.Evaluation.Metrics;

namespace AigcMesh.Evaluator.Tests.Metrics;

public sealed class Kernel_inception_distance
{
    [Fact]
    public void Is_about_zero_in_expectation_for_two_samples_of_one_distribution()
    {
        double[] mean = [0, 1, -1, 2, 0, 0], scale = [1, 1, 2, 0.5, 1, 3];
        var estimates = Enumerable.Range(0, 8)
            .Select(i => KernelInceptionDistance.Compute(Gaussians.Sample(300, mean, scale, 10 + i), Gaussians.Sample(300, mean, scale, 100 + i), subsets: 20, maxSubsetSize: 200, seed: i))
            .ToList();
        var average = estimates.Average(e => e.Mean);
        var spread = Math.Sqrt(estimates.Sum(e => Math.Pow(e.Mean - average, 2)) / (estimates.Count - 1)) / Math.Sqrt(estimates.Count);
        var shifted = KernelInceptionDistance.Compute(Gaussians.Sample(300, mean, scale, 1), Gaussians.Sample(300, mean.Select(m => m + 1).ToArray(), scale, 2), 20, 200);

        // Unbiased: the mean of independent estimates is within a few standard errors of 0, far below a real shift.
        Assert.True(Math.Abs(average) < 4 * spread + 1e-9, $"mean KID {average}, standard error {spread}");
        Assert.True(shifted.Mean > 50 * Math.Abs(average), $"shifted {shifted.Mean} vs same {average}");
        Assert.True(estimates.Any(e => e.Mean < 0), "an unbiased estimator of 0 must sometimes be negative");
    }

    [Fact]
    public void Matches_the_reference_formula_of_the_unbiased_mmd2_with_the_cubic_polynomial_kernel()
    {
        var x = Gaussians.Sample(7, [0, 1, 2], [1, 1, 1], 1);
        var y = Gaussians.Sample(7, [1, 0, 2], [1, 2, 1], 2);
        // Bińkowski et al. 2018: k(a, b) = (a·b / d + 1)³;
        // MMD²_u = Σ_{i≠j} k(x_i, x_j) / m(m-1) + Σ_{i≠j} k(y_i, y_j) / m(m-1) - 2 Σ_{i,j} k(x_i, y_j) / m².
        double K(FeatureMatrix a, int i, FeatureMatrix b, int j)
        {
            double dot = 0;
            for (var k = 0; k < a.Dimension; k++) dot += (double)a.Row(i)[k] * b.Row(j)[k];
            return Math.Pow(dot / a.Dimension + 1, 3);
        }
        double xx = 0, yy = 0, xy = 0;
        const int m = 7;
        for (var i = 0; i < m; i++)
            for (var j = 0; j < m; j++)
            {
                if (i != j) { xx += K(x, i, x, j); yy += K(y, i, y, j); }
                xy += K(x, i, y, j);
            }
        var expected = (xx + yy) / (m * (m - 1.0)) - 2 * xy / (m * m);

        using var scope = TorchSharp.torch.NewDisposeScope();
        var actual = KernelInceptionDistance.UnbiasedMmd2(
            TorchSharp.torch.tensor(x.Values, [7, 3]).to(TorchSharp.torch.ScalarType.Float64),
            TorchSharp.torch.tensor(y.Values, [7, 3]).to(TorchSharp.torch.ScalarType.Float64));

        Assert.Equal(expected, actual, 1e-9 * Math.Abs(expected) + 1e-12);
    }

    [Fact]
    public void Reports_a_standard_error_that_covers_the_spread_between_independent_pools()
    {
        double[] mean = [0, 1, -1, 2], scale = [1, 1, 2, 0.5];
        var estimates = Enumerable.Range(0, 12)
            .Select(i => KernelInceptionDistance.Compute(Gaussians.Sample(200, mean, scale, 300 + i), Gaussians.Sample(200, mean, scale, 400 + i), subsets: 40, maxSubsetSize: 1000, seed: i))
            .ToList();
        var average = estimates.Average(e => e.Mean);
        var spread = Math.Sqrt(estimates.Sum(e => Math.Pow(e.Mean - average, 2)) / (estimates.Count - 1));
        var reported = estimates.Average(e => e.StandardError);

        // Each pool's subsets overlap: the spread of their estimates over sqrt(subsets) would understate the error.
        // The reported error counts the pool's own noise, so it covers the spread between pools, conservatively.
        Assert.Equal(100, estimates[0].SubsetSize);
        Assert.True(reported >= 0.8 * spread && reported <= 4 * spread, $"reported {reported}, spread between pools {spread}");
        Assert.True(estimates.Count(e => Math.Abs(e.Mean) <= 2 * e.StandardError) >= 11, "within 2 standard errors of 0");
    }
}
