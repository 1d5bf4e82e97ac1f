using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AigcMesh.Contracts.Training;
using AigcMesh.Storage;
using AigcMesh.Trainer;
using AigcMesh.Trainer.Leases;
using AigcMesh.Trainer.Runs;

namespace AigcMesh.Benchmarks.Trainer;

/// <summary>
/// What the trainer benchmarks share: a run through the trainer service's own run path, RunExecution, with a lease in a
/// runs folder of the artifact directory, as RunHost calls it (no bus: the sink stands for RunHost's publishing queue).
/// </summary>
internal sealed class ServiceRunBench(ArtifactStore store, TrainerOptions options, string artifactDirectory)
{
    public const int Seed = 1;

    public ArtifactStore Store { get; } = store;
    public TrainerOptions Options { get; } = options;
    public RunLeases Leases { get; } = new(Path.Combine(artifactDirectory, "trainer-runs"), "bench", TimeSpan.FromSeconds(options.LeaseStaleSeconds));

    /// <summary>Claims a lease for a new run of <paramref name="family"/> on <paramref name="datasetId"/> and executes it on this thread.</summary>
    public RunResult Run(string datasetId, string family, IReadOnlyDictionary<string, string> hyperparameters, TrainingBudget budget, IRunSink sink,
        RunControl? control = null)
    {
        var runId = Guid.NewGuid();
        var command = new StartTraining(Guid.NewGuid(), runId, datasetId, family, hyperparameters, budget, Seed, DevicePreference.Cpu);
        var lease = Leases.TryClaim(runId, DateTimeOffset.UtcNow).Lease ?? throw new InvalidOperationException("no lease");
        lease.Folder.WriteStart(command);
        return new RunExecution(Store, Options, Leases.InstanceId, TimeProvider.System).Execute(command, lease, sink, control ?? new RunControl());
    }

    /// <summary>Reads TrainerOptions' cadences from --progress-seconds, --snapshot-seconds, --checkpoint-seconds, --trim-seconds.</summary>
    public static TrainerOptions OptionsFrom(string[] args)
    {
        var options = new TrainerOptions();
        if (BenchArgs.Option(args, "--progress-seconds") is { } p) options.ProgressSeconds = double.Parse(p, CultureInfo.InvariantCulture);
        if (BenchArgs.Option(args, "--snapshot-seconds") is { } s) options.SnapshotSeconds = double.Parse(s, CultureInfo.InvariantCulture);
        if (BenchArgs.Option(args, "--checkpoint-seconds") is { } c) options.CheckpointSeconds = double.Parse(c, CultureInfo.InvariantCulture);
        if (BenchArgs.Option(args, "--trim-seconds") is { } t) options.MemoryTrimSeconds = double.Parse(t, CultureInfo.InvariantCulture);
        return options;
    }

    /// <summary>"k=v,k=v" as hyperparameters.</summary>
    public static Dictionary<string, string> Hyperparameters(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}

/// <summary>Command-line options of the form "--name value".</summary>
internal static class BenchArgs
{
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
