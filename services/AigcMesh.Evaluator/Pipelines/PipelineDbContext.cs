using AigcMesh.Contracts.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>The pipeline state machine's store: pipelines.db in the evaluator's data directory.</summary>
public sealed class PipelineDbContext(DbContextOptions<PipelineDbContext> options) : DbContext(options)
{
    public DbSet<PipelineState> Pipelines => Set<PipelineState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var pipeline = modelBuilder.Entity<PipelineState>();
        pipeline.ToTable("Pipelines");
        pipeline.HasKey(p => p.CorrelationId);
        pipeline.Property(p => p.Version).IsConcurrencyToken();
        pipeline.Property(p => p.CurrentState).HasMaxLength(32);
        pipeline.Property(p => p.DatasetStatus).HasConversion<string>();
        pipeline.Property(p => p.TrainingStatus).HasConversion<string>();
        pipeline.Property(p => p.EvaluationStatus).HasConversion<string>();
        pipeline.Property(p => p.GenerationStatus).HasConversion<string>();
        pipeline.Property(p => p.FailedStage).HasConversion<string>();
        // Sqlite cannot order DateTimeOffset columns: store them as UTC ticks.
        pipeline.Property(p => p.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        pipeline.Property(p => p.UpdatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        pipeline.HasIndex(p => p.CreatedAt);
    }
}
