using AigcMesh.Evaluation.Metrics;

namespace AigcMesh.Evaluator.Tests.Metrics;

/// <summary>Seeded Gaussian samples for metric tests (Box-Muller).</summary>
internal static class Gaussians
{
    public static FeatureMatrix Sample(int count, double[] mean, double[] scale, int seed)
    {
        var random = new Random(seed);
        var d = mean.Length;
        var values = new float[count * d];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < d; j++)
                values[i * d + j] = (float)(mean[j] + scale[j] * Normal(random));
        return new FeatureMatrix(count, d, values);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
