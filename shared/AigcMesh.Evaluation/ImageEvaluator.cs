using System.Globalization;
using AigcMesh.Datasets;
using AigcMesh.Evaluation.Features;
using AigcMesh.Evaluation.Metrics;
using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluation;

public sealed record ImageEvaluationOptions(int SampleCount = 2048, int Seed = 0, int KidSubsets = 100, int KidSubsetSize = 1000, int NearestNeighbours = 3);

/// <summary>
/// Evaluates an image model against its data set with the data set's feature network: FD, KID (with standard error),
/// precision and recall, inception score, per-class accuracy for conditional models and the negative ELBO for VAEs.
/// The reference is the test split (up to N images); the same metrics for N training images against that reference
/// are the real-vs-real floor, reported as baselines. Runs on the calling thread (call it from a dedicated thread).
/// </summary>
public static class ImageEvaluator
{
    public static EvaluationReport Evaluate(IImageModel model, IImageDataset data, FeatureNetwork features, ImageEvaluationOptions options, CancellationToken cancellationToken = default)
    {
        if (model.Channels != data.Channels || model.Height != data.Height || model.Width != data.Width)
            throw new ArgumentException($"The model makes {model.Channels}x{model.Height}x{model.Width} images; the data set holds {data.Channels}x{data.Height}x{data.Width}.");
        if (options.SampleCount < 2 * options.NearestNeighbours + 2) throw new ArgumentException($"At least {2 * options.NearestNeighbours + 2} samples are needed.");
        var referenceSplit = FeatureNetwork.TestSplitOf(data);
        var referenceCount = Math.Min(options.SampleCount, data.Count(referenceSplit));
        var random = new Random(options.Seed);
        var (reference, referenceLabels) = FeatureNetwork.ReadImages(data, referenceSplit, Pick(random, data.Count(referenceSplit), referenceCount));
        var realTrainCount = Math.Min(options.SampleCount, data.Count(DatasetSplit.Train));
        var (realTrain, _) = FeatureNetwork.ReadImages(data, DatasetSplit.Train, Pick(random, data.Count(DatasetSplit.Train), realTrainCount));
        cancellationToken.ThrowIfCancellationRequested();

        var requested = model.ClassCount > 0 ? Enumerable.Range(0, options.SampleCount).Select(i => i % model.ClassCount).ToList() : null;
        var seeds = Enumerable.Range(0, options.SampleCount).Select(i => (long)options.Seed * 1_000_003 + i).ToList();
        var generated = model.Generate(seeds, requested);
        cancellationToken.ThrowIfCancellationRequested();

        var (referenceFeatures, referenceProbabilities) = features.Run(reference);
        var (trainFeatures, _) = features.Run(realTrain);
        var (generatedFeatures, generatedProbabilities) = features.Run(generated);
        var referenceStatistics = GaussianStatistics.Of(referenceFeatures);
        cancellationToken.ThrowIfCancellationRequested();

        var metrics = Compare(generatedFeatures, referenceFeatures, referenceStatistics, options);
        var baselines = Compare(trainFeatures, referenceFeatures, referenceStatistics, options);
        baselines["feature_net_test_accuracy"] = features.Info.TestAccuracy;
        // The floor of one distribution against itself: two disjoint halves of the reference (test) sample. The
        // training-vs-test floor above may sit higher: the feature network was fitted on the training split.
        var (halfA, halfB) = Halves(referenceFeatures, new Random(options.Seed + 1));
        var halves = KernelInceptionDistance.Compute(halfA, halfB, options.KidSubsets, options.KidSubsetSize, options.Seed);
        baselines["kid_test_halves"] = halves.Mean;
        baselines["kid_se_test_halves"] = halves.StandardError;
        if (features.Info.Task == FeatureTask.Classes)
        {
            metrics["inception_score"] = ClassifierScores.InceptionScore(generatedProbabilities, features.ClassCount);
            baselines["inception_score"] = ClassifierScores.InceptionScore(referenceProbabilities, features.ClassCount);
            if (requested is not null && model.ClassCount == features.ClassCount)
            {
                var perClass = ClassifierScores.PerClassAccuracy(requested, ClassifierScores.ArgMax(generatedProbabilities, features.ClassCount));
                foreach (var (label, accuracy) in perClass) metrics[$"class_accuracy_{label}"] = accuracy;
                metrics["class_accuracy_mean"] = perClass.Values.Average();
                var referencePerClass = ClassifierScores.PerClassAccuracy(referenceLabels, ClassifierScores.ArgMax(referenceProbabilities, features.ClassCount));
                baselines["class_accuracy_mean"] = referencePerClass.Values.Average();
            }
        }
        if (model is IVariationalImageModel vae)
            metrics["negative_elbo_nats"] = vae.NegativeElbo(reference, options.Seed).Average();
        metrics["sample_count"] = options.SampleCount;
        metrics["reference_count"] = referenceCount;
        baselines["sample_count"] = realTrainCount;

        var notes = new Dictionary<string, string>
        {
            ["kind"] = "image",
            ["reference_split"] = referenceSplit.ToString().ToLowerInvariant(),
            ["sample_count"] = options.SampleCount.ToString(CultureInfo.InvariantCulture),
            ["reference_count"] = referenceCount.ToString(CultureInfo.InvariantCulture),
            ["baseline"] = $"real vs real: {realTrainCount} training images against the same {referenceCount} {referenceSplit.ToString().ToLowerInvariant()} images",
            ["feature_network"] = $"{features.Info.Task.ToString().ToLowerInvariant()} CNN, {features.Info.Steps} steps, test accuracy {features.Info.TestAccuracy:F4} on {features.Info.TestCount} images",
            ["kid"] = $"{options.KidSubsets} subsets of up to {options.KidSubsetSize} (at most half of the smaller set), cubic polynomial kernel; kid_se is a conservative standard error that counts the pool's own sampling noise",
            ["kid_test_halves"] = $"KID of two disjoint halves ({halfA.Count} and {halfB.Count}) of the {referenceCount} {referenceSplit.ToString().ToLowerInvariant()} images: the floor of one distribution against itself",
            ["precision_recall"] = $"k = {options.NearestNeighbours} nearest-neighbour manifolds",
        };
        if (model is IVariationalImageModel) notes["negative_elbo_nats"] = $"mean over {referenceCount} {referenceSplit.ToString().ToLowerInvariant()} images, nats per image";
        return new EvaluationReport(metrics, baselines, notes);
    }

    private static Dictionary<string, double> Compare(FeatureMatrix candidate, FeatureMatrix reference, GaussianStatistics referenceStatistics, ImageEvaluationOptions options)
    {
        var kid = KernelInceptionDistance.Compute(reference, candidate, options.KidSubsets, options.KidSubsetSize, options.Seed);
        var pr = PrecisionRecall.Compute(reference, candidate, options.NearestNeighbours);
        return new Dictionary<string, double>
        {
            ["fd"] = FrechetDistance.Compute(GaussianStatistics.Of(candidate), referenceStatistics),
            ["kid"] = kid.Mean,
            ["kid_se"] = kid.StandardError,
            ["precision"] = pr.Precision,
            ["recall"] = pr.Recall,
        };
    }

    private static (FeatureMatrix A, FeatureMatrix B) Halves(FeatureMatrix features, Random random)
    {
        var order = Enumerable.Range(0, features.Count).ToArray();
        random.Shuffle(order);
        var half = features.Count / 2;
        return (Rows(features, order[..half]), Rows(features, order[half..(2 * half)]));
    }

    private static FeatureMatrix Rows(FeatureMatrix features, int[] rows)
    {
        var values = new float[rows.Length * features.Dimension];
        for (var i = 0; i < rows.Length; i++) features.Row(rows[i]).CopyTo(values.AsSpan(i * features.Dimension, features.Dimension));
        return new FeatureMatrix(rows.Length, features.Dimension, values);
    }

    private static int[] Pick(Random random, int population, int count)
    {
        var all = Enumerable.Range(0, population).ToArray();
        random.Shuffle(all);
        var chosen = all.Take(count).ToArray();
        Array.Sort(chosen);
        return chosen;
    }
}
