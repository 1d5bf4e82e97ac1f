using System.Diagnostics;
using System.Globalization;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Testing;
using AigcMesh.Trainer;
using AigcMesh.Trainer.Runs;

namespace AigcMesh.Benchmarks.Trainer;

/// <summary>
/// Trainer overhead (issue 4): the same model, data, steps and seed trained (a) by a bare loop over the model library
/// (open the data set, build the trainer, TrainStep N times, save the weights) and (b) through the trainer service's
/// run path, RunExecution (lease, progress, snapshots, checkpoints, metrics, final validation), in one process on one
/// thread, alternating which goes first, after one untimed run of each. Prints time per step and peak resident memory of each and their ratios.
/// Goal: the service at most 5% slower (the median of the rounds' ratios: each round times both back to back, so load
/// swings between rounds cancel). The default of 1,000 steps (about 20 s of the small GPT here) is still a short run: the
/// service's fixed cost per run, mostly the final 200-token sample (~0.13 s), is 3-4% of a 200-step run by itself.
/// Options: --family gpt|lstm|dcgan|vae, --steps N (default 1000), --rounds R (default 4), --threads N, --hyper k=v,k=v (default: a small GPT), --family-defaults (the family's default config),
/// and the service's cadences --progress-seconds, --snapshot-seconds, --checkpoint-seconds, --trim-seconds (default: TrainerOptions').
/// </summary>
public sealed class TrainerOverheadBenchmark : IBenchmark
{
    private const double OverheadGoal = 1.05;
    private const string SmallGpt = "layers=2,heads=4,embedding_size=64,context_length=64,batch_size=16";

    public string Name => "trainer-overhead";
    public string Description => "A run through the trainer's run path vs a bare TrainStep loop: time per step, peak RSS, ratios (goal <= 1.05).";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var family = BenchArgs.Option(args, "--family") ?? ModelFamilies.Gpt;
        var steps = int.Parse(BenchArgs.Option(args, "--steps") ?? "1000", CultureInfo.InvariantCulture);
        var rounds = int.Parse(BenchArgs.Option(args, "--rounds") ?? "4", CultureInfo.InvariantCulture);
        var threads = BenchArgs.Option(args, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : (int?)null;
        var hyper = args.Contains("--family-defaults") ? "" : BenchArgs.Option(args, "--hyper") ?? (family == ModelFamilies.Gpt ? SmallGpt : "");
        var hyperparameters = ServiceRunBench.Hyperparameters(hyper);
        var options = ServiceRunBench.OptionsFrom(args);
        var modality = ModelFamilies.ModalityOf(family);
        if (modality is null)
        {
            Console.Error.WriteLine($"Unknown family '{family}'.");
            return 2;
        }

        using var folder = new TempDirectory();
        var store = new ArtifactStore(Path.Combine(folder.Path, "artifacts"));
        var datasetId = modality == DatasetModality.Image
            ? await BuiltInDatasets.ImportSyntheticImagesAsync(store, 2048, cancellationToken: cancellationToken)
            : await BuiltInDatasets.ImportSyntheticTextAsync(store, cancellationToken: cancellationToken);
        var bench = new Bench(new ServiceRunBench(store, options, Path.Combine(folder.Path, "artifacts")), datasetId, family, hyperparameters, steps);

        var exitCode = 0;
        var thread = new Thread(() => exitCode = Run(bench, rounds, threads, cancellationToken), 16 << 20) { Name = "trainer-overhead" };
        thread.Start();
        await Task.Run(thread.Join, CancellationToken.None);
        return exitCode;
    }

    private static int Run(Bench bench, int rounds, int? threads, CancellationToken cancellationToken)
    {
        TorchRuntime.UseThreads(threads);
        Console.WriteLine($"family {bench.Family}, hyperparameters {{{string.Join(", ", bench.Hyperparameters.Select(p => $"{p.Key}={p.Value}"))}}}, " +
            $"{bench.Steps} steps, seed 1, cpu, {TorchSharp.torch.get_num_threads()} torch threads, {rounds} rounds (order alternates)");
        Console.WriteLine($"service cadences: progress every {bench.Options.ProgressSeconds} s, snapshot every {bench.Options.SnapshotSeconds} s, " +
            $"checkpoint every {bench.Options.CheckpointSeconds} s (TrainerOptions)");
        Console.WriteLine($"load average before: {ProcessMemory.LoadAverage()}");

        // Warm-up, both arms: first-use costs (native library, allocator, the JIT of each arm's own code) out of the
        // timed rounds; a trainer pays them once per process, not once per run.
        bench.Bare();
        bench.ThroughService();
        Console.WriteLine();
        Console.WriteLine($"{"round",5} {"arm",-8} {"total s",8} {"ms/step",8} {"setup s",8} {"rest s",8} {"RSS MiB",8} {"peak",6} {"rise",5} {"CPU s",7}  final train loss   (setup: data set and model; rest: steps and finish)");
        var bare = new List<Arm>();
        var service = new List<Arm>();
        for (var round = 0; round < rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            var pair = round % 2 == 0 ? new[] { true, false } : [false, true];
            foreach (var isBare in pair)
            {
                var arm = isBare ? bench.Bare() : bench.ThroughService();
                (isBare ? bare : service).Add(arm);
                Console.WriteLine($"{round + 1,5} {(isBare ? "bare" : "service"),-8} {arm.Total.TotalSeconds,8:F2} {arm.Total.TotalMilliseconds / bench.Steps,8:F2} " +
                    $"{arm.Setup.TotalSeconds,8:F2} {arm.Rest.TotalSeconds,8:F2} {arm.BaselineKiB / 1024.0,8:F0} {arm.PeakRssKiB / 1024.0,6:F0} {arm.RiseKiB / 1024.0,5:F0} {arm.Cpu.TotalSeconds,7:F2}  {arm.FinalLoss:F6}");
            }
        }

        var bareTotal = bare.Sum(a => a.Total.TotalSeconds);
        var serviceTotal = service.Sum(a => a.Total.TotalSeconds);
        var ratio = BenchStats.Median(bare.Zip(service, (b, s) => s.Total / b.Total));
        var rssRatio = (double)service.Max(a => a.PeakRssKiB) / bare.Max(a => a.PeakRssKiB);
        var riseRatio = (double)service.Max(a => a.RiseKiB) / Math.Max(1, bare.Max(a => a.RiseKiB));
        var sameLoss = bare.Concat(service).Select(a => a.FinalLoss).Distinct().Count() == 1;
        Console.WriteLine();
        Console.WriteLine($"load average after: {ProcessMemory.LoadAverage()}");
        Console.WriteLine($"same final loss in every run (same work): {(sameLoss ? "yes" : "NO")}");
        Console.WriteLine($"time per step, whole run: bare {1000 * bareTotal / (bare.Count * bench.Steps):F2} ms, service {1000 * serviceTotal / (service.Count * bench.Steps):F2} ms");
        var extras = bench.ServiceExtras();
        Console.WriteLine($"what the service adds, timed once on a bare trainer: snapshot {extras.Snapshot.TotalSeconds:F3} s, validation {extras.Validate.TotalSeconds:F3} s, " +
            $"checkpoint {extras.Checkpoint.TotalSeconds:F3} s; the service takes a snapshot every {bench.Options.SnapshotSeconds} s and at the end, " +
            $"validates and checkpoints at the end, and checkpoints every {bench.Options.CheckpointSeconds} s");
        Console.WriteLine($"peak RSS (largest of the rounds): bare {bare.Max(a => a.PeakRssKiB) / 1024.0:F0} MiB, service {service.Max(a => a.PeakRssKiB) / 1024.0:F0} MiB, ratio {rssRatio:F3}; " +
            $"rise over the RSS at the arm's start: bare {bare.Max(a => a.RiseKiB) / 1024.0:F0} MiB, service {service.Max(a => a.RiseKiB) / 1024.0:F0} MiB, ratio {riseRatio:F2}" +
            (ProcessMemory.PeakResettable ? "" : " (VmHWM could not be reset: process peaks)"));
        Console.WriteLine($"service/bare time per round: {string.Join(", ", bare.Zip(service, (b, s) => (s.Total / b.Total).ToString("F3", CultureInfo.InvariantCulture)))}; of the totals {serviceTotal / bareTotal:F3}");
        var cpuRatios = bare.Zip(service, (b, s) => s.Cpu / b.Cpu).ToList();
        Console.WriteLine($"service/bare CPU time of the process per round: {string.Join(", ", cpuRatios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))}; " +
            $"median {BenchStats.Median(cpuRatios):F3} (the wall times above swing with the machine's speed from minute to minute; CPU time counts the work, the service's other threads included)");
        Console.WriteLine($"goal: service/bare time <= {OverheadGoal:F2}: median {ratio:F3} ({(ratio <= OverheadGoal ? "met" : "NOT met")})");
        return sameLoss ? 0 : 1;
    }

    /// <summary>One timed training: setup (data set, model), the rest (steps and what follows the last one), peak RSS.</summary>
    private sealed record Arm(TimeSpan Total, TimeSpan Setup, long BaselineKiB, long PeakRssKiB, double FinalLoss)
    {
        /// <summary>The process's CPU time over the arm (all threads: the service's own included).</summary>
        public TimeSpan Cpu { get; init; }

        public TimeSpan Rest => Total - Setup;
        public long RiseKiB => PeakRssKiB - BaselineKiB;
    }

    private sealed record Bench(ServiceRunBench Service, string DatasetId, string Family, Dictionary<string, string> Hyperparameters, int Steps)
    {
        private const int Seed = ServiceRunBench.Seed;

        private ArtifactStore Store => Service.Store;
        public TrainerOptions Options => Service.Options;

        /// <summary>The model library alone: open the data set, build the trainer, step, save the weights.</summary>
        public Arm Bare()
        {
            var baseline = ProcessMemory.ResetPeak();
            var cpu = ProcessCpu();
            var clock = Stopwatch.StartNew();
            using var data = ModelFamilies.ModalityOf(Family) == DatasetModality.Image
                ? (IDisposable)DatasetReader.OpenImages(Store, DatasetId)
                : DatasetReader.OpenText(Store, DatasetId, RunHyperparameters.DefaultTokenizer);
            using var trainer = data is IImageDataset images
                ? ModelFamilies.CreateTrainer(Family, Hyperparameters, images, Seed, TorchSharp.torch.CPU)
                : ModelFamilies.CreateTrainer(Family, Hyperparameters, (ITextDataset)data, Seed, TorchSharp.torch.CPU);
            var setup = clock.Elapsed;
            TrainStepResult? last = null;
            for (var i = 0; i < Steps; i++) last = trainer.TrainStep();
            using var weights = new MemoryStream();
            trainer.SaveWeights(weights);
            return new Arm(clock.Elapsed, setup, baseline, ProcessMemory.PeakKiB(), last!.Losses.Values.First()) { Cpu = ProcessCpu() - cpu };
        }

        private static TimeSpan ProcessCpu()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }

        /// <summary>The cost of one snapshot, one validation and one checkpoint, on a trainer after a few steps.</summary>
        public (TimeSpan Snapshot, TimeSpan Validate, TimeSpan Checkpoint) ServiceExtras()
        {
            using var data = ModelFamilies.ModalityOf(Family) == DatasetModality.Image
                ? (IDisposable)DatasetReader.OpenImages(Store, DatasetId)
                : DatasetReader.OpenText(Store, DatasetId, RunHyperparameters.DefaultTokenizer);
            using var trainer = data is IImageDataset images
                ? ModelFamilies.CreateTrainer(Family, Hyperparameters, images, Seed, TorchSharp.torch.CPU)
                : ModelFamilies.CreateTrainer(Family, Hyperparameters, (ITextDataset)data, Seed, TorchSharp.torch.CPU);
            for (var i = 0; i < 3; i++) trainer.TrainStep();
            var clock = Stopwatch.StartNew();
            trainer.Snapshot();
            var snapshot = clock.Elapsed;
            trainer.Validate();
            var validate = clock.Elapsed;
            using (var file = File.Create(Path.Combine(Service.Leases.RunsDirectory, "extras-checkpoint.tmp")))
            {
                trainer.SaveCheckpoint(file);
            }
            return (snapshot, validate - snapshot, clock.Elapsed - validate);
        }

        /// <summary>The trainer service's run path: RunExecution with a lease in a runs folder, as RunHost calls it.</summary>
        public Arm ThroughService()
        {
            var baseline = ProcessMemory.ResetPeak();
            var cpu = ProcessCpu();
            var clock = Stopwatch.StartNew();
            var sink = new TimedSink(clock);
            var result = Service.Run(DatasetId, Family, Hyperparameters, new TrainingBudget(Steps, null), sink);
            var total = clock.Elapsed;
            if (result is not RunResult.Completed completed) throw new InvalidOperationException($"The run did not complete: {result}");
            var firstLoss = sink.Events.OfType<TrainingProgressed>().Last().Losses.Keys.First();
            return new Arm(total, sink.StartedAt, baseline, ProcessMemory.PeakKiB(), completed.Metrics[$"train_{firstLoss}"]) { Cpu = ProcessCpu() - cpu };
        }
    }

    /// <summary>Keeps the run's facts as RunHost's queue does (for the bus), noting when setup ended (Started).</summary>
    private sealed class TimedSink(Stopwatch clock) : IRunSink
    {
        public TimeSpan StartedAt { get; private set; }
        public List<object> Events { get; } = [];

        public void Started(TrainingStarted started)
        {
            StartedAt = clock.Elapsed;
            Events.Add(started);
        }

        public void Progressed(TrainingProgressed progressed) => Events.Add(progressed);
    }
}
