using AigcMesh.Evaluation.Metrics;

namespace AigcMesh.Evaluator.Tests.Metrics;

public sealed class Classifier_scores
{
    [Fact]
    public void Inception_score_is_the_class_count_for_confident_balanced_predictions_and_one_for_identical_ones()
    {
        float[] confident = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        float[] identical = [0.2f, 0.5f, 0.3f, 0.2f, 0.5f, 0.3f];

        Assert.Equal(3, ClassifierScores.InceptionScore(confident, 3), 6);
        Assert.Equal(1, ClassifierScores.InceptionScore(identical, 3), 6);
    }

    [Fact]
    public void Per_class_accuracy_counts_hits_per_requested_class()
    {
        var accuracy = ClassifierScores.PerClassAccuracy([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 0, 0]);

        Assert.Equal(0.5, accuracy[0]);
        Assert.Equal(2 / 3.0, accuracy[1], 9);
        Assert.Equal(0, accuracy[2]);
    }
}
