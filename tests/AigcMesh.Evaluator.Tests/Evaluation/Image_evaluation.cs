using AigcMesh.Evaluation;
using AigcMesh.Evaluation.Features;
using AigcMesh.Evaluation.Metrics;
using AigcMesh.Models;

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
            Assert.True(Math.Abs(report.Baselines["kid_test_halves"]) <= 2 * report.Baselines["kid_se_test_halves"],
                $"test half vs test half: KID {report.Baselines["kid_test_halves"]} ± {report.Baselines["kid_se_test_halves"]}");
        }
    }

    [Fact]
    public void Scores_two_disjoint_halves_of_the_test_split_within_two_standard_errors_of_zero()
    {
        using var features = fixture.FeatureNetwork();
        using var data = fixture.OpenImages();
        var test = data.Count(AigcMesh.Datasets.DatasetSplit.Test);
        var order = Enumerable.Range(0, test).ToArray();
        new Random(5).Shuffle(order);
        FeatureMatrix Features(int[] indices)
        {
            Array.Sort(indices);
            var (images, _) = FeatureNetwork.ReadImages(data, AigcMesh.Datasets.DatasetSplit.Test, indices);
            return features.Run(images).Features;
        }

        var halves = KernelInceptionDistance.Compute(Features(order[..(test / 2)]), Features(order[(test / 2)..]), subsets: 50, maxSubsetSize: 1000);

        Assert.Equal(test / 4, halves.SubsetSize);
        Assert.True(Math.Abs(halves.Mean) <= 2 * halves.StandardError, $"KID {halves.Mean} ± {halves.StandardError}");
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

    [Fact]
    public void Reports_the_negative_elbo_of_a_vae_on_the_test_split_which_falls_with_training()
    {
        using var features = fixture.FeatureNetwork();
        using var data = fixture.OpenImages();
        var hyperparameters = new Dictionary<string, string> { ["latent_size"] = "8", ["width"] = "8", ["batch_size"] = "32", ["learning_rate"] = "0.003" };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Vae, hyperparameters, data, seed: 2);

        var before = Evaluate(trainer);
        for (var i = 0; i < 30; i++) trainer.TrainStep();
        var after = Evaluate(trainer);

        Assert.True(before > 0 && after < before, $"negative ELBO {before:F1} -> {after:F1} nats per image");

        double Evaluate(IModelTrainer t)
        {
            using var weights = new MemoryStream();
            t.SaveWeights(weights);
            weights.Position = 0;
            using var model = ModelFamilies.LoadImageModel(ModelFamilies.Vae, t.ModelConfig, weights);
            var report = ImageEvaluator.Evaluate(model, data, features, Small);
            Assert.Contains("negative_elbo_nats", report.Notes.Keys);
            return report.Metrics["negative_elbo_nats"];
        }
    }
}
