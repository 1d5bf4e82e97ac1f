using AigcMesh.Datasets.Importing;

namespace AigcMesh.Dataset;

/// <summary>The dataset service's settings (configuration section "Dataset", e.g. Dataset__MaxUploadBytes).</summary>
public sealed class DatasetOptions
{
    public const string Section = "Dataset";

    /// <summary>Folders that server-side imports may read from. Default: Debian's data set and fortune folders.</summary>
    public string[]? ImportRoots { get; set; }

    /// <summary>Most bytes one upload request may carry (all its files together).</summary>
    public long MaxUploadBytes { get; set; } = 512L << 20;

    /// <summary>Imports run at once by one service instance (they are CPU-bound).</summary>
    public int MaxConcurrentImports { get; set; } = 2;

    /// <summary>How long POST ...?wait=true waits for an import before answering 202 anyway.</summary>
    public double WaitSeconds { get; set; } = 90;

    public ImportLimits Limits { get; set; } = new();

    /// <summary>
    /// How long a training run that has reported (TrainingStarted, TrainingProgressed: trainers report every few
    /// seconds) keeps its data set from being deleted after its last fact, when no final fact comes.
    /// </summary>
    public double RunLeaseMinutes { get; set; } = 10;

    /// <summary>How long a run seen only as StartTraining (queued, or lost before any trainer took it) keeps its data set.</summary>
    public double QueuedRunLeaseMinutes { get; set; } = 60;

    public IReadOnlyList<string> ResolvedImportRoots => ImportRoots ?? ["/usr/share/datasets", "/usr/share/games/fortunes"];
}
