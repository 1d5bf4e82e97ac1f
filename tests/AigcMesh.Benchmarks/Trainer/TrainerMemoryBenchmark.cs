using System.Diagnostics;
using System.Globalization;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Datasets.Importing;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Testing;
using AigcMesh.Trainer.Runs;
using TorchSharp;

namespace AigcMesh.Benchmarks.Trainer;

/// <summary>
/// Memory over a long run (issue 4: "peak RSS over a 10-minute run stays within 10% of its value after the first
/// minute"). One run through the trainer's run path (RunExecution: lease, progress, snapshots, checkpoints, metrics,
/// final validation and weights) with a wall-time budget, on a real data set: the fortune files for the text families,
/// Fashion-MNIST for the image families (synthetic sets when those Debian packages are missing, and it says so).
/// A sampler thread reads the resident set (VmRSS), the managed heap and glibc malloc's bytes in use every second; the
/// training thread notes its live tensors (TorchSharp's dispose-scope statistics) at each progress event.
/// The goal figure reads the issue's words: the run's peak RSS at its end (VmHWM) over the peak RSS's value after the first
/// minute (VmHWM at 60 s), at most 1.10; memory that grows over the run shows there. Beside it, a stricter figure: the peak
/// after 60 s over the one RSS sample at 60 s, which lands anywhere in the swing between malloc trims (a low point right
/// after a trim gives a high ratio with no growth at all). Prints intermediate points and the growth per minute of each
/// measure over the run after the first minute.
/// Options: --minutes M (default 10), --family gpt|lstm|dcgan|vae (default gpt), --threads N (default 1),
/// --hyper k=v,k=v (default: the family's default config), --sample-seconds S (default 1), --csv FILE (every sample), and the service's cadences
/// --progress-seconds, --snapshot-seconds, --checkpoint-seconds (default: TrainerOptions').
/// </summary>
public sealed class TrainerMemoryBenchmark : IBenchmark
{
    private const double Goal = 1.10;
    private const string FortunesFolder = "/usr/share/games/fortunes";
    private const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    public string Name => "trainer-memory";
    public string Description => "Peak RSS of a long run through the trainer's run path vs its RSS after the first minute (goal <= 1.10), with managed and native heaps.";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var minutes = double.Parse(BenchArgs.Option(args, "--minutes") ?? "10", CultureInfo.InvariantCulture);
        var family = BenchArgs.Option(args, "--family") ?? ModelFamilies.Gpt;
        var threads = int.Parse(BenchArgs.Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);
        var every = TimeSpan.FromSeconds(double.Parse(BenchArgs.Option(args, "--sample-seconds") ?? "1", CultureInfo.InvariantCulture));
        var hyperparameters = ServiceRunBench.Hyperparameters(BenchArgs.Option(args, "--hyper") ?? "");
        var options = ServiceRunBench.OptionsFrom(args);
        var modality = ModelFamilies.ModalityOf(family);
        if (modality is null)
        {
            Console.Error.WriteLine($"Unknown family '{family}'.");
            return 2;
        }

        using var folder = new TempDirectory();
        var artifacts = Path.Combine(folder.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        var (datasetId, description) = await ImportAsync(store, modality.Value, cancellationToken);
        Console.WriteLine($"data set: {description}");
        Console.WriteLine($"family {family}, hyperparameters {{{string.Join(", ", hyperparameters.Select(p => $"{p.Key}={p.Value}"))}}} (else the family's defaults), " +
            $"wall-time budget {minutes:F1} min, seed {ServiceRunBench.Seed}, cpu, {threads} torch threads");
        Console.WriteLine($"service cadences: progress every {options.ProgressSeconds} s, snapshot every {options.SnapshotSeconds} s, " +
            $"checkpoint every {options.CheckpointSeconds} s (TrainerOptions); sampled every {every.TotalSeconds} s");
        Console.WriteLine($"load average before: {ProcessMemory.LoadAverage()}");

        var bench = new ServiceRunBench(store, options, artifacts);
        var sink = new CountingSink();
        var budget = new TrainingBudget(null, minutes * 60);
        RunResult? result = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                TorchRuntime.UseThreads(threads);
                result = bench.Run(datasetId, family, hyperparameters, budget, sink);
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 16 << 20)
        { Name = "trainer-memory" };

        ProcessMemory.ResetPeak();
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        long? peakAfterFirstMinute = null;
        long? firstMinutePeak = null;
        var peakReset = false;
        thread.Start();
        while (!thread.Join(0))
        {
            samples.Add(Sample.Take(clock.Elapsed, sink));
            if (!peakReset && clock.Elapsed.TotalSeconds >= 60)
            {
                // VmHWM so far is the peak RSS's value after the first minute; from here on, the peak after it.
                if (ProcessMemory.PeakResettable) firstMinutePeak = ProcessMemory.PeakKiB() * 1024;
                ProcessMemory.ResetPeak(collect: false);
                peakReset = true;
            }
            var next = every * samples.Count - clock.Elapsed;
            if (next > TimeSpan.Zero) thread.Join(next);
            if (cancellationToken.IsCancellationRequested) break;
        }
        await Task.Run(thread.Join, CancellationToken.None);
        samples.Add(Sample.Take(clock.Elapsed, sink));
        if (peakReset && ProcessMemory.PeakResettable) peakAfterFirstMinute = ProcessMemory.PeakKiB() * 1024;

        Console.WriteLine($"load average after: {ProcessMemory.LoadAverage()}");
        if (error is not null || result is not RunResult.Completed)
        {
            Console.Error.WriteLine($"The run did not complete: {error?.Message ?? result?.ToString()}");
            return 1;
        }
        var completed = (RunResult.Completed)result;
        var trained = samples[^1].Time;
        Console.WriteLine($"run completed after {trained.TotalMinutes:F2} min and {completed.Step:N0} steps; {sink.ProgressEvents:N0} progress events; " +
            $"final {string.Join(", ", completed.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value:F4}"))}");
        Print(samples);
        if (BenchArgs.Option(args, "--csv") is { } csv)
            File.WriteAllLines(csv, samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Time.TotalSeconds:F2},{s.Step},{Mib(s.RssBytes):F1},{Mib(s.ManagedBytes):F1},{(s.NativeBytes is { } n ? Mib(n) : 0):F1}")).Prepend("seconds,step,rss_mib,managed_mib,native_mib"));
        return Report(samples, firstMinutePeak, peakAfterFirstMinute, trained) ? 0 : 1;
    }

    private static async Task<(string Id, string Description)> ImportAsync(ArtifactStore store, DatasetModality modality, CancellationToken cancellationToken)
    {
        var importer = new DatasetImporter(store, new ImportLimits());
        var clock = Stopwatch.StartNew();
        if (modality == DatasetModality.Text && Directory.Exists(FortunesFolder))
        {
            var id = (await importer.ImportAsync(DatasetSourceKind.FortuneText, SourceFile.FromPath(FortunesFolder), new DatasetImportOptions(), cancellationToken: cancellationToken)).DatasetId;
            return (id, $"fortunes ({FortunesFolder}), imported in {clock.Elapsed.TotalSeconds:F1} s");
        }
        if (modality == DatasetModality.Image && Directory.Exists(FashionFolder))
        {
            var id = (await importer.ImportAsync(DatasetSourceKind.Idx, SourceFile.FromPath(FashionFolder), new DatasetImportOptions(), cancellationToken: cancellationToken)).DatasetId;
            return (id, $"Fashion-MNIST ({FashionFolder}, 70,000 images), imported in {clock.Elapsed.TotalSeconds:F1} s");
        }
        return modality == DatasetModality.Image
            ? (await BuiltInDatasets.ImportSyntheticImagesAsync(store, 12_000, cancellationToken: cancellationToken), "synthetic shapes (Fashion-MNIST is not installed)")
            : (await BuiltInDatasets.ImportSyntheticTextAsync(store, cancellationToken: cancellationToken), "the built-in corpus (the fortunes are not installed)");
    }

    private static void Print(List<Sample> samples)
    {
        Console.WriteLine();
        Console.WriteLine($"{"time",7} {"step",8} {"RSS MiB",8} {"anon",6} {"file",6} {"managed MiB",11} {"native MiB",10} {"held",6} {"live tensors",12}");
        Console.WriteLine("  (RSS = anon (heaps) + file (mapped libraries); managed: GC heap in use; native: glibc malloc in use (libtorch's tensors), " +
            "held: what malloc holds from the system, in use or free; live tensors: on the training thread at the last progress event)");
        var marks = new[] { 5, 10, 30, 60, 90, 120, 180, 240, 300, 360, 420, 480, 540, 600, 900, 1200, 1800, 2400, 3000, 3600 };
        foreach (var mark in marks.Select(m => TimeSpan.FromSeconds(m)).Where(m => m < samples[^1].Time).Append(samples[^1].Time))
        {
            var s = samples.First(x => x.Time >= mark);
            Console.WriteLine($"{Clock(s.Time),7} {s.Step,8:N0} {Mib(s.RssBytes),8:F0} {Mib(s.AnonBytes),6:F0} {Mib(s.FileBytes),6:F0} {Mib(s.ManagedBytes),11:F1} " +
                $"{(s.NativeBytes is { } n ? Mib(n).ToString("F1", CultureInfo.InvariantCulture) : "n/a"),10} {(s.NativeHeldBytes is { } h ? Mib(h).ToString("F0", CultureInfo.InvariantCulture) : "n/a"),6} {s.LiveTensors,12:N0}");
        }
    }

    private static bool Report(List<Sample> samples, long? firstMinutePeak, long? peakAfterFirstMinute, TimeSpan trained)
    {
        Console.WriteLine();
        if (trained.TotalSeconds < 120)
        {
            Console.WriteLine("The run lasted under 2 minutes: no figure after the first minute to compare (use --minutes 10).");
            return false;
        }
        var atMinute = samples.First(s => s.Time.TotalSeconds >= 60);
        var later = samples.Where(s => s.Time > atMinute.Time).ToList();
        var sampledPeak = later.Max(s => s.RssBytes);
        var sampledPeakAt = later.First(s => s.RssBytes == sampledPeak).Time;
        var peakAfter = Math.Max(sampledPeak, peakAfterFirstMinute ?? 0);
        var sampledFirstPeak = samples.Where(s => s.Time <= atMinute.Time).Max(s => s.RssBytes);
        var firstPeak = Math.Max(sampledFirstPeak, firstMinutePeak ?? 0);
        var runPeak = Math.Max(firstPeak, peakAfter);
        var ratio = (double)runPeak / firstPeak;
        var strict = (double)peakAfter / atMinute.RssBytes;
        Console.WriteLine($"peak RSS after the first minute: {Mib(firstPeak):F1} MiB ({(firstMinutePeak is null ? "sampled; VmHWM could not be read" : $"VmHWM at 60 s; sampled {Mib(sampledFirstPeak):F1} MiB")}); " +
            $"RSS at {atMinute.Time.TotalSeconds:F0} s: {Mib(atMinute.RssBytes):F1} MiB");
        Console.WriteLine($"peak RSS from 60 s to the end: {Mib(peakAfter):F1} MiB ({(peakAfterFirstMinute is null ? "sampled; VmHWM could not be reset" : $"VmHWM since 60 s; sampled {Mib(sampledPeak):F1} MiB at {sampledPeakAt:m\\:ss}")}); " +
            $"the run's peak RSS: {Mib(runPeak):F1} MiB");
        Console.WriteLine($"growth per minute after the first minute (least squares): RSS {Slope(later, s => s.RssBytes):+0.00;-0.00;0.00} MiB/min, " +
            $"anon {Slope(later, s => s.AnonBytes):+0.00;-0.00;0.00} MiB/min, file {Slope(later, s => s.FileBytes):+0.00;-0.00;0.00} MiB/min, " +
            $"managed {Slope(later, s => s.ManagedBytes):+0.00;-0.00;0.00} MiB/min, " +
            (later.All(s => s.NativeBytes is not null) ? $"native {Slope(later, s => s.NativeBytes!.Value):+0.00;-0.00;0.00} MiB/min (held {Slope(later, s => s.NativeHeldBytes ?? 0):+0.00;-0.00;0.00}), " : "") +
            $"live tensors {atMinute.LiveTensors:N0} at 60 s, {later[^1].LiveTensors:N0} at the end");
        Console.WriteLine($"stricter: peak RSS after the first minute / the RSS sample at 60 s: {strict:F3} ({(strict <= Goal ? "within" : "over")} {Goal:F2})");
        Console.WriteLine($"goal: the run's peak RSS / its value after the first minute <= {Goal:F2}: {ratio:F3} ({(ratio <= Goal ? "met" : "NOT met")})");
        return true;
    }

    /// <summary>Least-squares slope of a measure over time, MiB per minute.</summary>
    private static double Slope(List<Sample> samples, Func<Sample, long> measure)
    {
        var xs = samples.Select(s => s.Time.TotalMinutes).ToArray();
        var ys = samples.Select(s => Mib(measure(s))).ToArray();
        var (mx, my) = (xs.Average(), ys.Average());
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        var slope = sxx == 0 ? 0 : xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / sxx;
        return Math.Abs(slope) < 0.005 ? 0 : slope;   // no "-0.00"
    }

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

    private static string Clock(TimeSpan t) => $"{(int)t.TotalMinutes}:{t.Seconds:00}";

    private sealed record Sample(TimeSpan Time, int Step, long RssBytes, long AnonBytes, long FileBytes, long ManagedBytes, long? NativeBytes, long? NativeHeldBytes,
        long LiveTensors)
    {
        public static Sample Take(TimeSpan time, CountingSink sink)
        {
            var (anon, file) = ProcessMemory.ResidentPartsKiB();
            return new(time, sink.Step, ProcessMemory.ResidentKiB() * 1024, anon * 1024, file * 1024, GC.GetTotalMemory(false),
                ProcessMemory.NativeInUseBytes(), ProcessMemory.NativeHeldBytes(), sink.LiveTensors);
        }
    }

    /// <summary>Publishes nothing and keeps nothing (RunHost's queue empties as it publishes): counts, and notes the live tensors.</summary>
    private sealed class CountingSink : IRunSink
    {
        private int _step;
        private long _liveTensors;
        private int _progressed;

        public int Step => Volatile.Read(ref _step);
        public long LiveTensors => Interlocked.Read(ref _liveTensors);
        public int ProgressEvents => Volatile.Read(ref _progressed);

        public void Started(TrainingStarted started) => Note(started.ResumedFromStep);

        public void Progressed(TrainingProgressed progressed)
        {
            Interlocked.Increment(ref _progressed);
            Note(progressed.Step);
        }

        /// <summary>Runs on the training thread, whose tensors TorchSharp's statistics count.</summary>
        private void Note(int step)
        {
            Volatile.Write(ref _step, step);
            Interlocked.Exchange(ref _liveTensors, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }
}
