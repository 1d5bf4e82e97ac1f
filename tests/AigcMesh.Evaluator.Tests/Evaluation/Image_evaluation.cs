using AigcMesh.Evaluation;

namespace AigcMesh.Evaluator.Tests.Evaluation;

[Collection(EvaluationDataCollection.Name)]
public sealed class Image_evaluation(EvaluationData fixture)
{
    private static readonly ImageEvaluationOptions Small = new(SampleCount: 64, KidSubsets: 10, KidSubsetSize: 64);

    [Fact]
    public void Reports_every_metric_beside_the_real_vs_real_floor_which_an_untrained_generator_does_not_reach()
    {
        using var features = fixture.FeatureNetwork();
        using var data = fixture.OpenImages();
        var (model, _, _) = fixture.Dcgan(steps: 0);
        using (model)
        {
            var report = ImageEvaluator.Evaluate(model, data, features, Small);

            foreach (var key in new[] { "fd", "kid", "kid_se", "precision", "recall", "inception_score" })
            {
                Assert.True(report.Metrics.ContainsKey(key), key);
                Assert.True(report.Baselines.ContainsKey(key), key);
            }
            Assert.True(report.Baselines["fd"] < report.Metrics["fd"], $"real-vs-real FD {report.Baselines["fd"]} vs untrained {report.Metrics["fd"]}");
            Assert.True(report.Baselines["recall"] > report.Metrics["recall"]);
            Assert.Equal("test", report.Notes["reference_split"]);
            Assert.Equal(64, report.Metrics["sample_count"]);
            Assert.Equal(features.Info.TestAccuracy, report.Baselines["feature_net_test_accuracy"]);
        }
    }

    [Fact]
    public void Reports_per_class_accuracy_for_a_class_conditional_model()
    {
        using var features = fixture.FeatureNetwork();
        using var data = fixture.OpenImages();
        var (model, _, _) = fixture.Dcgan(steps: 0, conditional: true);
        using (model)
        {
            var report = ImageEvaluator.Evaluate(model, data, features, Small);

            for (var c = 0; c < 4; c++) Assert.InRange(report.Metrics[$"class_accuracy_{c}"], 0, 1);
            Assert.True(report.Baselines["class_accuracy_mean"] > 0.5);
        }
    }
}
