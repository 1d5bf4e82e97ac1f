using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Data;

/// <summary>The dataset service's own database (a Sqlite file in its data directory): data sets, import jobs, runs using data sets.</summary>
public sealed class DatasetDbContext(DbContextOptions<DatasetDbContext> options) : DbContext(options)
{
    public DbSet<DatasetRecord> Datasets => Set<DatasetRecord>();
    public DbSet<ImportJob> Imports => Set<ImportJob>();
    public DbSet<RunUsage> Runs => Set<RunUsage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DatasetRecord>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.Modality).HasConversion<string>();
        });
        modelBuilder.Entity<ImportJob>(e =>
        {
            e.HasKey(j => j.Id);
            e.Property(j => j.State).HasConversion<string>();
            e.Property(j => j.SourceKind).HasConversion<string>();
            e.HasIndex(j => j.CreatedAt);
        });
        modelBuilder.Entity<RunUsage>(e =>
        {
            e.HasKey(r => r.RunId);
            e.HasIndex(r => r.DatasetId);
        });
    }
}
