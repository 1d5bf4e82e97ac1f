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

    /// <summary>Reads TrainerOptions' cadences from --progress-seconds, --snapshot-seconds, --checkpoint-seconds.</summary>
    public static TrainerOptions OptionsFrom(string[] args)
    {
        var options = new TrainerOptions();
        if (BenchArgs.Option(args, "--progress-seconds") is { } p) options.ProgressSeconds = double.Parse(p, CultureInfo.InvariantCulture);
        if (BenchArgs.Option(args, "--snapshot-seconds") is { } s) options.SnapshotSeconds = double.Parse(s, CultureInfo.InvariantCulture);
        if (BenchArgs.Option(args, "--checkpoint-seconds") is { } c) options.CheckpointSeconds = double.Parse(c, CultureInfo.InvariantCulture);
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

/// <summary>This process's memory as Linux reports it (/proc/self/status, glibc's malloc), and the load average.</summary>
internal static class ProcessMemory
{
    /// <summary>False once writing /proc/self/clear_refs failed (VmHWM then is the process's peak).</summary>
    public static bool PeakResettable { get; private set; } = true;

    /// <summary>Linux: writing 5 to /proc/self/clear_refs resets the peak resident set (VmHWM) to the current one.</summary>
    public static long ResetPeak(bool collect = true)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PeakResettable = false;
        }
        return ResidentKiB();
    }

    /// <summary>The resident set now (VmRSS), KiB.</summary>
    public static long ResidentKiB() => StatusKiB("VmRSS:");

    /// <summary>The peak resident set since the last reset (VmHWM), KiB.</summary>
    public static long PeakKiB() => StatusKiB("VmHWM:");

    /// <summary>The resident set's anonymous part (heaps, stacks: RssAnon) and its file-backed part (mapped code and data: RssFile), KiB.</summary>
    public static (long AnonKiB, long FileKiB) ResidentPartsKiB() => (StatusKiB("RssAnon:"), StatusKiB("RssFile:"));

    private static long StatusKiB(string field)
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)) : null;
        return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1024
            : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Bytes the native heap (glibc malloc, all arenas, mmapped chunks included) has handed out and not had back, where
    /// libtorch's CPU tensors live; null off glibc. glibc's mallinfo2 (2.33+).
    /// </summary>
    public static long? NativeInUseBytes()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = mallinfo2();
            return (long)(info.uordblks + info.hblkhd);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Bytes glibc malloc holds from the system (heaps of all arenas and mmapped chunks), in use or free; null off glibc.</summary>
    public static long? NativeHeldBytes()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = mallinfo2();
            return (long)(info.arena + info.hblkhd);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();
}
