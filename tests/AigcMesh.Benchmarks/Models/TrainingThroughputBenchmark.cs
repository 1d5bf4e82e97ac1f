using System.Diagnostics;
using System.Globalization;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Testing;
using static TorchSharp.torch;

namespace AigcMesh.Benchmarks.Models;

/// <summary>
/// Training throughput of each model family with its default config on the built-in data sets: steps/s, samples or
/// tokens/s, and model FLOP/s as a share of an fp32 matmul measured in the same run (model-FLOPs utilisation).
/// Goal (issue 4): GPT at least 35% of that matmul peak.
/// The timed seconds are split into rounds, each a matmul peak measurement (best of 5-matmul batches over 1 s) followed
/// by training, so the peak is measured throughout the run at the same thread count as the training. MFU is the model
/// FLOP/s of all rounds against the highest peak of any round (at least as high as one longer measurement would find);
/// the median of the rounds' own ratios (each round's training against the peak just before it) is printed too, as
/// the figure that load swings between rounds do not move.
/// Options: --seconds S (timed per family, default 20), --rounds R (default 5), --families gpt,lstm,vae,dcgan,
/// --threads N, --sample (validation metrics and a text sample after the timed steps).
/// </summary>
public sealed class TrainingThroughputBenchmark : IBenchmark
{
    private const double GptMfuGoal = 0.35;

    public string Name => "training-throughput";
    public string Description => "Steps/s, samples or tokens/s and MFU against a measured matmul, per model family (default configs).";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var seconds = double.Parse(Option(args, "--seconds") ?? "20", CultureInfo.InvariantCulture);
        var families = (Option(args, "--families") ?? "gpt,lstm,vae,dcgan").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var threads = Option(args, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : (int?)null;
        var rounds = Math.Max(1, int.Parse(Option(args, "--rounds") ?? "5", CultureInfo.InvariantCulture));
        var sample = args.Contains("--sample");

        using var folder = new TempDirectory();
        var store = new ArtifactStore(folder.Path);
        var imagesId = await BuiltInDatasets.ImportSyntheticImagesAsync(store, 2048, cancellationToken: cancellationToken);
        var textId = await BuiltInDatasets.ImportSyntheticTextAsync(store, cancellationToken: cancellationToken);

        var exitCode = 0;
        var thread = new Thread(() => exitCode = Run(store, imagesId, textId, families, seconds, rounds, threads, sample, cancellationToken), 16 << 20);
        thread.Start();
        await Task.Run(thread.Join, CancellationToken.None);
        return exitCode;
    }

    private static int Run(ArtifactStore store, string imagesId, string textId, string[] families, double seconds, int rounds, int? threads, bool sample,
        CancellationToken cancellationToken)
    {
        TorchRuntime.UseThreads(threads);
        Console.WriteLine($"torch threads: {get_num_threads()}, device: cpu, timed: {seconds:F0} s per family after 3 warm-up steps, in {rounds} rounds " +
            "of a 1 s matmul peak measurement (fp32 1024x1024, best 5-matmul batch) then training; load average " + ProcessMemory.LoadAverage());
        Console.WriteLine();
        Console.WriteLine($"{"family",-6} {"params",10} {"items/step",10} {"steps/s",8} {"items/s",10} {"GFLOP/step",10} {"GFLOP/s",8} {"peak",6} {"MFU",6} {"median",6}  loss (first -> last)");

        double? gptMfu = null;
        double? gptMedian = null;
        foreach (var family in families)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var modality = ModelFamilies.ModalityOf(family);
            if (modality is null)
            {
                Console.Error.WriteLine($"Unknown family '{family}'.");
                return 2;
            }
            using var trainer = modality == AigcMesh.Contracts.Datasets.DatasetModality.Image
                ? ModelFamilies.CreateTrainer(family, new Dictionary<string, string>(), OpenImages(store, imagesId), seed: 1)
                : ModelFamilies.CreateTrainer(family, new Dictionary<string, string>(), DatasetReader.OpenText(store, textId), seed: 1);
            for (var i = 0; i < 3; i++) trainer.TrainStep();

            var (steps, first, last) = (0, double.NaN, double.NaN);
            var trained = TimeSpan.Zero;
            var peaks = new List<double>();
            var roundRatios = new List<double>();
            for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
            {
                var roundPeak = MatmulPeak(1024, 1.0);
                peaks.Add(roundPeak);
                var roundSteps = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < seconds / rounds && !cancellationToken.IsCancellationRequested)
                {
                    var losses = trainer.TrainStep().Losses;
                    var loss = losses.TryGetValue("loss", out var l) ? l : losses.Values.First();
                    if (steps++ == 0) first = loss;
                    last = loss;
                    roundSteps++;
                }
                trained += clock.Elapsed;
                roundRatios.Add(trainer.FlopsPerStep * roundSteps / clock.Elapsed.TotalSeconds / roundPeak);
            }
            var peak = peaks.Max();
            var stepsPerSecond = steps / trained.TotalSeconds;
            var flops = trainer.FlopsPerStep * stepsPerSecond;
            var mfu = flops / peak;
            var median = BenchStats.Median(roundRatios);
            if (family == ModelFamilies.Gpt) (gptMfu, gptMedian) = (mfu, median);
            Console.WriteLine(
                $"{family,-6} {trainer.ParameterCount,10:N0} {trainer.ItemsPerStep,10} {stepsPerSecond,8:F2} {trainer.ItemsPerStep * stepsPerSecond,10:N0} " +
                $"{trainer.FlopsPerStep / 1e9,10:F2} {flops / 1e9,8:F1} {peak / 1e9,6:F0} {mfu,6:P0} {median,6:P0}  {first:F3} -> {last:F3}");
            Console.WriteLine($"  matmul peaks by round (GFLOP/s): {string.Join(", ", peaks.Select(p => (p / 1e9).ToString("F0", CultureInfo.InvariantCulture)))}; " +
                $"MFU by round: {string.Join(", ", roundRatios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))}");
            if (sample)
            {
                var metrics = string.Join(", ", trainer.Validate().Select(p => $"{p.Key} {p.Value:F3}"));
                var (content, mediaType) = trainer.Snapshot();
                Console.WriteLine($"  after {trainer.Step} steps: {metrics}");
                if (mediaType.StartsWith("text/", StringComparison.Ordinal)) Console.WriteLine($"  sample: {System.Text.Encoding.UTF8.GetString(content).ReplaceLineEndings(" / ")}");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average after: {ProcessMemory.LoadAverage()}");
        if (gptMfu is { } g)
            Console.WriteLine($"goal: GPT MFU >= {GptMfuGoal:P0} of the highest matmul peak of the run: {g:P1} ({(g >= GptMfuGoal ? "met" : "NOT met")}); " +
                $"median of the rounds' ratios {gptMedian:P1} ({(gptMedian >= GptMfuGoal ? "met" : "NOT met")})");
        return 0;
    }

    private static IImageDataset OpenImages(ArtifactStore store, string id) => DatasetReader.OpenImages(store, id);

    /// <summary>fp32 FLOP/s of square matmuls, the best of repeated timed batches: the limit MFU is measured against.</summary>
    private static double MatmulPeak(int n, double seconds)
    {
        using var scope = NewDisposeScope();
        var a = randn(n, n);
        var b = randn(n, n);
        for (var i = 0; i < 3; i++) a.matmul(b).Dispose();
        var best = 0.0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 5; i++) a.matmul(b).Dispose();
            best = Math.Max(best, 5 * 2.0 * n * n * n / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
