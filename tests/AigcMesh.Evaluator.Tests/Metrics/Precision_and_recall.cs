using AigcMesh.Evaluation.Metrics;

namespace AigcMesh.Evaluator.Tests.Metrics;

public sealed class Precision_and_recall
{
    [Fact]
    public void Are_high_for_the_same_distribution()
    {
        var real = Gaussians.Sample(600, [0, 0, 0], [1, 1, 1], 1);
        var fake = Gaussians.Sample(600, [0, 0, 0], [1, 1, 1], 2);

        var result = PrecisionRecall.Compute(real, fake);

        Assert.True(result.Precision > 0.8 && result.Recall > 0.8, $"{result}");
    }

    [Fact]
    public void Separate_a_collapsed_generator_from_one_that_covers_junk()
    {
        var real = Gaussians.Sample(600, [0, 0], [1, 1], 1);
        var collapsed = Gaussians.Sample(600, [0, 0], [0.05, 0.05], 2); // inside the data, covers little of it
        var spread = Gaussians.Sample(600, [0, 0], [4, 4], 3);         // covers the data, mostly outside it

        var c = PrecisionRecall.Compute(real, collapsed);
        var s = PrecisionRecall.Compute(real, spread);

        Assert.True(c.Precision > 0.95 && c.Recall < 0.2, $"collapsed {c}");
        Assert.True(s.Precision < 0.5 && s.Recall > 0.8, $"spread {s}");
    }
}
