using AigcMesh.Datasets;
using AigcMesh.Evaluation.Features;

namespace AigcMesh.Evaluator.Tests.Evaluation;

[Collection(EvaluationDataCollection.Name)]
public sealed class Feature_network(EvaluationData fixture)
{
    [Fact]
    public void Learns_the_classes_well_above_chance_and_reports_its_test_accuracy()
    {
        using var network = fixture.FeatureNetwork();

        Assert.Equal(FeatureTask.Classes, network.Info.Task);
        Assert.Equal(4, network.ClassCount);
        Assert.True(network.Info.TestAccuracy > 0.5, $"test accuracy {network.Info.TestAccuracy} (chance 0.25)");
        Assert.True(network.Info.TestCount >= 50);
    }

    [Fact]
    public void Is_trained_once_per_data_set_then_loaded_from_the_artifact_store_with_the_same_features()
    {
        using var data = fixture.OpenImages();
        var index = new InMemoryFeatureNetworkIndex();
        var cache = new FeatureNetworkCache(fixture.Store, index);
        var (images, _) = FeatureNetwork.ReadImages(data, DatasetSplit.Test, [0, 1, 2, 3]);

        var (first, trained) = cache.GetOrTrain(data, 5, seed: 9);
        var (second, trainedAgain) = cache.GetOrTrain(data, 5, seed: 9);
        using (first)
        using (second)
        {
            Assert.True(trained);
            Assert.False(trainedAgain);
            Assert.NotNull(index.Find(data.DatasetId, 5, 9));
            Assert.Equal(first.Features(images).Values, second.Features(images).Values);
            Assert.Equal(first.Info, second.Info);
        }
    }
}
