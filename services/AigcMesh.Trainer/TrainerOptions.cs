namespace AigcMesh.Trainer;

/// <summary>The trainer's settings, bound from the "Trainer" configuration section (Trainer__MaxConcurrentRuns etc.).</summary>
public sealed class TrainerOptions
{
    public const string Section = "Trainer";

    /// <summary>This trainer instance's name (lease owner, its own facts queue). Default: host name and process id.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The trainers' shared queue of StartTraining (competing consumers).</summary>
    public string QueueName { get; set; } = "start-training";

    /// <summary>Runs this trainer trains at once (one per device): the start-training prefetch and concurrency limit.</summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>The shared folder of run leases and checkpoint indexes. Default: "trainer-runs" under the artifact directory.</summary>
    public string? RunsDirectory { get; set; }

    /// <summary>How often the owner of a run rewrites its lease.</summary>
    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>A lease whose heartbeat is older than this is taken as its trainer's death.</summary>
    public double LeaseStaleSeconds { get; set; } = 30;

    /// <summary>How often each trainer looks for runs with stale leases and re-sends them.</summary>
    public double SweepSeconds { get; set; } = 10;

    /// <summary>Cadence of TrainingProgressed.</summary>
    public double ProgressSeconds { get; set; } = 2;

    /// <summary>Seconds between snapshots (sample grid or text) into the artifact store.</summary>
    public double SnapshotSeconds { get; set; } = 60;

    /// <summary>Seconds between checkpoints.</summary>
    public double CheckpointSeconds { get; set; } = 120;

    /// <summary>
    /// Seconds between handing the native heap's free pages back to the system (malloc_trim) during a run, so that its
    /// resident memory stays flat (0: never).
    /// </summary>
    public double MemoryTrimSeconds { get; set; } = 10;

    /// <summary>
    /// At shutdown, how long the host waits for its runs to write a last checkpoint and release their leases before it
    /// stops the bus (the host's own shutdown timeout is raised to this plus 10 s when it is shorter).
    /// </summary>
    public double ShutdownCheckpointSeconds { get; set; } = 20;

    /// <summary>Also checkpoint every this many steps (0: by time only).</summary>
    public int CheckpointEverySteps { get; set; }

    /// <summary>How long a start-training message waits for a free run slot here before it goes back to the queue.</summary>
    public double SlotWaitSeconds { get; set; } = 30;

    /// <summary>Torch intra-op threads per process (default: the cores divided by MaxConcurrentRuns).</summary>
    public int? TorchThreads { get; set; }

    public string ResolveInstanceId() =>
        string.IsNullOrWhiteSpace(InstanceId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : InstanceId;
}
