using AigcMesh.Evaluation.Metrics;

namespace AigcMesh.Evaluator.Tests.Metrics;

public sealed class Frechet_distance
{
    [Fact]
    public void Of_a_set_with_itself_is_about_zero()
    {
        var x = Gaussians.Sample(500, [0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 0.5, 1, 3, 1, 1, 0.1], seed: 1);

        Assert.True(Math.Abs(FrechetDistance.Compute(x, x)) < 1e-6, $"FD = {FrechetDistance.Compute(x, x)}");
    }

    [Fact]
    public void Of_two_gaussians_matches_the_closed_form_for_full_covariances()
    {
        // For 2x2 PSD M: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)); the covariances do not commute.
        var a = new GaussianStatistics([1, -2], [2.0, 0.6, 0.6, 1.0]);
        var b = new GaussianStatistics([0.5, 1], [1.0, -0.3, -0.3, 3.0]);
        var closed = ClosedForm2x2(a, b);

        var measured = FrechetDistance.Compute(a, b);

        Assert.True(Math.Abs(measured - closed) / closed < 1e-3, $"measured {measured}, closed form {closed}");
    }

    [Fact]
    public void Of_two_diagonal_gaussians_matches_the_closed_form_and_sampled_statistics_approach_it()
    {
        double[] m1 = [0, 0, 0, 0], m2 = [1, 2, 0, -1];
        double[] s1 = [1, 2, 0.5, 1], s2 = [2, 1, 0.5, 3];
        var closed = m1.Select((m, i) => (m - m2[i]) * (m - m2[i]) + (s1[i] - s2[i]) * (s1[i] - s2[i])).Sum();
        var exact = FrechetDistance.Compute(Diagonal(m1, s1), Diagonal(m2, s2));
        var sampled = FrechetDistance.Compute(Gaussians.Sample(20_000, m1, s1, 2), Gaussians.Sample(20_000, m2, s2, 3));

        Assert.True(Math.Abs(exact - closed) / closed < 1e-3, $"exact statistics {exact}, closed form {closed}");
        Assert.True(Math.Abs(sampled - closed) / closed < 0.05, $"sampled {sampled}, closed form {closed}");
    }

    [Fact]
    public void Grows_with_the_distance_between_means()
    {
        var x = Gaussians.Sample(400, [0, 0, 0], [1, 1, 1], 4);
        var near = Gaussians.Sample(400, [0.5, 0, 0], [1, 1, 1], 5);
        var far = Gaussians.Sample(400, [2, 0, 0], [1, 1, 1], 6);

        Assert.True(FrechetDistance.Compute(x, near) < FrechetDistance.Compute(x, far));
    }

    private static GaussianStatistics Diagonal(double[] mean, double[] scale)
    {
        var d = mean.Length;
        var covariance = new double[d * d];
        for (var i = 0; i < d; i++) covariance[i * d + i] = scale[i] * scale[i];
        return new GaussianStatistics(mean, covariance);
    }

    private static double ClosedForm2x2(GaussianStatistics a, GaussianStatistics b)
    {
        // S1^½ by the 2x2 formula: sqrt(A) = (A + sqrt(det A) I) / sqrt(tr A + 2 sqrt(det A)).
        var s = a.Covariance;
        var rootDet = Math.Sqrt(s[0] * s[3] - s[1] * s[2]);
        var t = Math.Sqrt(s[0] + s[3] + 2 * rootDet);
        double[] r = [(s[0] + rootDet) / t, s[1] / t, s[2] / t, (s[3] + rootDet) / t];
        var m = Multiply(Multiply(r, b.Covariance), r);
        var traceRoot = Math.Sqrt(m[0] + m[3] + 2 * Math.Sqrt(m[0] * m[3] - m[1] * m[2]));
        var meanTerm = Math.Pow(a.Mean[0] - b.Mean[0], 2) + Math.Pow(a.Mean[1] - b.Mean[1], 2);
        return meanTerm + s[0] + s[3] + b.Covariance[0] + b.Covariance[3] - 2 * traceRoot;
    }

    private static double[] Multiply(double[] x, double[] y) =>
        [x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3], x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]];
}
