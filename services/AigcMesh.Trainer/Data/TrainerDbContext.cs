using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Trainer.Data;

/// <summary>The trainer service's own database (a Sqlite file in its data directory): runs, snapshots, models and sweeps, kept from the facts.</summary>
public sealed class TrainerDbContext(DbContextOptions<TrainerDbContext> options) : DbContext(options)
{
    public DbSet<RunRecord> Runs => Set<RunRecord>();
    public DbSet<SnapshotRecord> Snapshots => Set<SnapshotRecord>();
    public DbSet<ModelRecord> Models => Set<ModelRecord>();
    public DbSet<SweepRecord> Sweeps => Set<SweepRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RunRecord>().HasKey(r => r.Id);
        modelBuilder.Entity<RunRecord>().HasIndex(r => r.SweepId);
        modelBuilder.Entity<SnapshotRecord>().HasKey(s => s.Id);
        modelBuilder.Entity<SnapshotRecord>().HasIndex(s => new { s.RunId, s.ArtifactId }).IsUnique();
        modelBuilder.Entity<ModelRecord>().HasKey(m => m.Id);
        modelBuilder.Entity<ModelRecord>().HasIndex(m => m.RunId);
        modelBuilder.Entity<SweepRecord>().HasKey(s => s.Id);
    }
}

public static class RunStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;
}

public sealed class RunRecord
{
    public Guid Id { get; set; }
    public Guid CorrelationId { get; set; }
    public Guid? SweepId { get; set; }
    public string DatasetId { get; set; } = "";
    public string Family { get; set; } = "";
    public string HyperparametersJson { get; set; } = "{}";
    public int? MaxSteps { get; set; }
    public double? MaxWallSeconds { get; set; }
    public int Seed { get; set; }
    public string DevicePreference { get; set; } = "";
    public string Status { get; set; } = RunStatus.Queued;
    public string? TrainerId { get; set; }
    public string? Device { get; set; }
    public int ResumedFromStep { get; set; }
    public int Starts { get; set; }
    public long ParameterCount { get; set; }
    public int Step { get; set; }
    public int? TotalSteps { get; set; }
    public string LossesJson { get; set; } = "{}";
    public double LearningRate { get; set; }
    public double ItemsPerSecond { get; set; }
    public double? EtaSeconds { get; set; }
    public string FinalMetricsJson { get; set; } = "{}";
    public Guid? ModelId { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class SnapshotRecord
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public int Step { get; set; }
    public string ArtifactId { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

public sealed class ModelRecord
{
    public Guid Id { get; set; }
    public int Version { get; set; }
    public string Family { get; set; } = "";
    public string DatasetId { get; set; } = "";
    public Guid RunId { get; set; }
    public string WeightsArtifactId { get; set; } = "";
    public string ConfigJson { get; set; } = "{}";
    public string MetricsJson { get; set; } = "{}";
    public DateTimeOffset RegisteredAt { get; set; }
}

public sealed class SweepRecord
{
    public Guid Id { get; set; }
    public string DatasetId { get; set; } = "";
    public string Family { get; set; } = "";
    public string Strategy { get; set; } = "";
    public string PrimaryMetric { get; set; } = "";
    public bool HigherIsBetter { get; set; }
    public string RunIdsJson { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
}
