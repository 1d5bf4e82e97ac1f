using System.Diagnostics;
using System.Globalization;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Datasets.Importing;
using AigcMesh.Evaluation;
using AigcMesh.Evaluation.Features;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Benchmarks.Evaluator;

/// <summary>
/// Time and peak memory of a full image evaluation (FD, KID with standard error, precision/recall, inception score,
/// real-vs-real floor) on N generated samples (default 10,000) of a DCGAN against Fashion-MNIST's test split, with
/// the feature network's test accuracy beside the published "2 Conv+pooling" rows of the package's README.
/// Options: --samples N, --feature-steps S, --gan-steps G, --data FOLDER (IDX files; synthetic shapes when absent).
/// </summary>
public sealed class EvaluationBenchmark : IBenchmark
{
    private const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    // Published Fashion-MNIST test accuracies of "2 Conv+pooling" CNNs (README of Debian's dataset-fashion-mnist).
    private const double PublishedLow = 0.876;
    private const double PublishedHigh = 0.916;

    public string Name => "evaluation";

    public string Description => "Full image evaluation of N (10,000) generated samples: time and peak memory";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var samples = Option(args, "--samples", 10_000);
        var featureSteps = Option(args, "--feature-steps", 1500);
        var ganSteps = Option(args, "--gan-steps", 300);
        var folder = args.SkipWhile(a => a != "--data").Skip(1).FirstOrDefault() ?? FashionFolder;
        TorchRuntime.UseThreads();

        using var temp = new TempDirectory();
        var store = new ArtifactStore(Path.Combine(temp.Path, "artifacts"));
        var clock = Stopwatch.StartNew();
        string datasetId;
        var fashion = Directory.Exists(folder);
        if (fashion)
        {
            var options = new DatasetImportOptions(ImageSize: 28, Channels: 1, ValidationFraction: 0.01, TestFraction: 10_000 / 70_000.0, Seed: 1);
            datasetId = (await new DatasetImporter(store, new ImportLimits()).ImportAsync(DatasetSourceKind.Idx, SourceFile.FromPath(folder), options, cancellationToken: cancellationToken)).DatasetId;
        }
        else
        {
            datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(store, 12_000, new DatasetImportOptions(TestFraction: 0.25), cancellationToken);
        }
        using var data = DatasetReader.OpenImages(store, datasetId);
        Console.WriteLine($"data set: {(fashion ? "Fashion-MNIST (" + folder + ")" : "synthetic shapes")}, train {data.Count(DatasetSplit.Train)}, test {data.Count(DatasetSplit.Test)}, imported in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        using var network = FeatureNetwork.Train(data, featureSteps, seed: 0, cancellationToken: cancellationToken);
        Console.WriteLine($"feature network: {featureSteps} steps in {clock.Elapsed.TotalSeconds:F1} s, test accuracy {network.Info.TestAccuracy:F4} on {network.Info.TestCount} images");
        if (fashion)
            Console.WriteLine($"  vs published 2 Conv+pooling CNNs {PublishedLow:F3} / {PublishedHigh:F3}: ratio {network.Info.TestAccuracy / PublishedLow:F3} / {network.Info.TestAccuracy / PublishedHigh:F3}");

        clock.Restart();
        var hyperparameters = new Dictionary<string, string> { ["generator_width"] = "32", ["discriminator_width"] = "32", ["batch_size"] = "64" };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Dcgan, hyperparameters, data, seed: 1);
        for (var i = 0; i < ganSteps; i++) trainer.TrainStep();
        using var weights = new MemoryStream();
        trainer.SaveWeights(weights);
        weights.Position = 0;
        using var model = ModelFamilies.LoadImageModel(ModelFamilies.Dcgan, trainer.ModelConfig, weights);
        Console.WriteLine($"DCGAN: {ganSteps} steps in {clock.Elapsed.TotalSeconds:F1} s");

        var before = ProcessMemory.ResetPeak();
        var peakResettable = ProcessMemory.PeakResettable;
        clock.Restart();
        var report = ImageEvaluator.Evaluate(model, data, network, new ImageEvaluationOptions(samples), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = ProcessMemory.PeakKiB();

        Console.WriteLine($"evaluation of N = {samples} generated vs {report.Notes["reference_count"]} {report.Notes["reference_split"]} images: {seconds:F1} s ({seconds / samples * 1000:F2} s per 1,000 samples)");
        Console.WriteLine($"peak resident memory during evaluation: {peak / 1024.0:F0} MiB{(peakResettable ? "" : " (process peak; VmHWM could not be reset)")}, resident before {before / 1024.0:F0} MiB, rise {(peak - before) / 1024.0:F0} MiB");
        foreach (var key in new[] { "fd", "kid", "kid_se", "precision", "recall", "inception_score" })
            Console.WriteLine($"  {key,-16} model {Format(report.Metrics, key),12}   real-vs-real {Format(report.Baselines, key),12}");
        Console.WriteLine($"  {"kid test/2",-16} two disjoint halves of the test sample {Format(report.Baselines, "kid_test_halves"),12} ± {Format(report.Baselines, "kid_se_test_halves")}  (training-vs-test floor above: the feature network was fitted on the training split)");
        Console.WriteLine($"  ratio model FD / real-vs-real FD: {report.Metrics["fd"] / Math.Max(1e-12, report.Baselines["fd"]):F1}");
        return 0;
    }

    private static string Format(IReadOnlyDictionary<string, double> values, string key) =>
        values.TryGetValue(key, out var v) ? v.ToString("G5", CultureInfo.InvariantCulture) : "-";

    private static int Option(string[] args, string name, int fallback)
    {
        var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return value is not null && int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : fallback;
    }
}
