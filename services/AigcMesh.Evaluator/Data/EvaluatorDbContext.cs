using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Data;

/// <summary>The evaluator service's own database (a Sqlite file in its data directory).</summary>
public sealed class EvaluatorDbContext(DbContextOptions<EvaluatorDbContext> options) : DbContext(options)
{
    public DbSet<RegisteredModel> Models => Set<RegisteredModel>();
    public DbSet<EvaluationRecord> Evaluations => Set<EvaluationRecord>();
    public DbSet<FeatureNetworkRecord> FeatureNetworks => Set<FeatureNetworkRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RegisteredModel>().HasKey(m => m.ModelId);
        modelBuilder.Entity<RegisteredModel>().HasIndex(m => m.DatasetId);
        modelBuilder.Entity<EvaluationRecord>().HasKey(e => e.EvaluationId);
        modelBuilder.Entity<EvaluationRecord>().HasIndex(e => e.ModelId);
        modelBuilder.Entity<EvaluationRecord>().HasIndex(e => new { e.DatasetId, e.Status });
        modelBuilder.Entity<FeatureNetworkRecord>().HasKey(f => new { f.DatasetId, f.Steps, f.Seed });
    }
}

/// <summary>A model as ModelRegistered described it (event-carried state: the evaluator's own model registry).</summary>
public sealed class RegisteredModel
{
    public Guid ModelId { get; set; }
    public int Version { get; set; }
    public string Family { get; set; } = "";
    public string DatasetId { get; set; } = "";
    public Guid RunId { get; set; }
    public string WeightsArtifactId { get; set; } = "";
    public string ConfigJson { get; set; } = "{}";
    public DateTimeOffset RegisteredAt { get; set; }
}

public static class EvaluationStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>One evaluation of one model: request, status and (when completed) its report.</summary>
public sealed class EvaluationRecord
{
    public Guid EvaluationId { get; set; }
    public Guid CorrelationId { get; set; }
    public Guid ModelId { get; set; }
    public string? DatasetId { get; set; }
    public Guid? RunId { get; set; }
    public string? Family { get; set; }
    public string Trigger { get; set; } = "request";
    public string Status { get; set; } = EvaluationStatus.Pending;
    public int SampleCount { get; set; }
    public string? ReferencesJson { get; set; }
    public string? Prompt { get; set; }
    public string? MetricsJson { get; set; }
    public string? BaselinesJson { get; set; }
    public string? NotesJson { get; set; }
    public string? FailureReason { get; set; }
    public double? Seconds { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>
    /// The evaluation with the same settings (model, sample count, references, prompt) whose report this one reuses:
    /// set when this one was requested while that one was running or finished. Null for an evaluation that ran.
    /// </summary>
    public Guid? ReusedFromEvaluationId { get; set; }
}

/// <summary>Where a data set's trained feature network lies in the artifact store.</summary>
public sealed class FeatureNetworkRecord
{
    public string DatasetId { get; set; } = "";
    public int Steps { get; set; }
    public int Seed { get; set; }
    public string ArtifactId { get; set; } = "";
    public string Task { get; set; } = "";
    public double TestAccuracy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
