using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Evaluation.Metrics;

/// <summary>A metric's mean over subsets with its standard error (see <see cref="KernelInceptionDistance"/>).</summary>
public sealed record SubsetEstimate(double Mean, double StandardError, int Subsets, int SubsetSize);

/// <summary>
/// Kernel inception distance (Bińkowski et al., 2018): the unbiased estimate of the squared maximum mean discrepancy
/// with the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over random subsets of m (drawn without
/// replacement from each set, seeded): the estimator of the paper's reference code (polynomial_mmd_averages).
/// Unbiased: two samples of one distribution score 0 in expectation (single estimates may be negative).
/// <para>
/// Standard error. The S subsets share one pool of n = min(|X|, |Y|) samples, so the spread s of their estimates
/// measures only the subsampling noise: s/√S alone (the figure the reference code's std implies) shrinks to 0 with
/// more subsets although the pool's own sampling noise stays. With U_k the unbiased estimate on k samples,
/// Var(mean) = Var(U_n) + (Var(U_m) − Var(U_n))/S, s² estimates Var(U_m) − Var(U_n), and n·Var(U_n) never grows
/// with n (Hoeffding, 1948), so Var(U_n) ≤ (m/n)·Var(U_m). Hence the reported, conservative standard error
/// s·√((m/n)/(1 − m/n) + 1/S). m is capped at n/2 so that this factor stays at most √(1 + 1/S).
/// </para>
/// </summary>
public static class KernelInceptionDistance
{
    public static SubsetEstimate Compute(FeatureMatrix real, FeatureMatrix generated, int subsets = 100, int maxSubsetSize = 1000, int seed = 0)
    {
        if (real.Dimension != generated.Dimension) throw new ArgumentException("Feature dimensions differ.");
        var pool = Math.Min(real.Count, generated.Count);
        var m = Math.Min(maxSubsetSize, pool / 2);
        if (m < 2) throw new ArgumentException("KID needs at least 4 samples in each set.");
        var random = new Random(seed);
        var estimates = new double[subsets];
        using (var scope = NewDisposeScope())
        {
            var x = tensor(real.Values, [real.Count, real.Dimension]).to(ScalarType.Float64);
            var y = tensor(generated.Values, [generated.Count, generated.Dimension]).to(ScalarType.Float64);
            for (var s = 0; s < subsets; s++)
            {
                using var inner = NewDisposeScope();
                var xs = x.index_select(0, tensor(Draw(random, real.Count, m)));
                var ys = y.index_select(0, tensor(Draw(random, generated.Count, m)));
                estimates[s] = UnbiasedMmd2(xs, ys);
            }
        }
        var mean = estimates.Average();
        var variance = subsets > 1 ? estimates.Sum(e => (e - mean) * (e - mean)) / (subsets - 1) : 0;
        var fraction = (double)m / pool;
        return new SubsetEstimate(mean, Math.Sqrt(variance * (fraction / (1 - fraction) + 1.0 / subsets)), subsets, m);
    }

    /// <summary>Unbiased MMD² of two equal-size samples (rows) under the cubic polynomial kernel.</summary>
    public static double UnbiasedMmd2(Tensor x, Tensor y)
    {
        var m = x.shape[0];
        var d = x.shape[1];
        using var scope = NewDisposeScope();
        var kxx = (x.matmul(x.t()) / d + 1).pow(3);
        var kyy = (y.matmul(y.t()) / d + 1).pow(3);
        var kxy = (x.matmul(y.t()) / d + 1).pow(3);
        var sumXx = (kxx.sum() - kxx.diagonal().sum()).item<double>();
        var sumYy = (kyy.sum() - kyy.diagonal().sum()).item<double>();
        var meanXy = kxy.mean().item<double>();
        return (sumXx + sumYy) / (m * (m - 1.0)) - 2 * meanXy;
    }

    private static long[] Draw(Random random, int population, int count)
    {
        var all = Enumerable.Range(0, population).ToArray();
        random.Shuffle(all);
        return all.Take(count).Select(i => (long)i).ToArray();
    }
}
