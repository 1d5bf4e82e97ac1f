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
    public void Reports_a_standard_error_that_shrinks_with_more_subsets()
    {
        var x = Gaussians.Sample(300, [0, 0], [1, 1], 1);
        var y = Gaussians.Sample(300, [0.3, 0], [1, 1], 2);

        var few = KernelInceptionDistance.Compute(x, y, subsets: 5, maxSubsetSize: 100);
        var many = KernelInceptionDistance.Compute(x, y, subsets: 80, maxSubsetSize: 100);

        Assert.True(few.StandardError > 0 && many.StandardError < few.StandardError, $"{few.StandardError} -> {many.StandardError}");
        Assert.Equal(100, many.SubsetSize);
    }
}
