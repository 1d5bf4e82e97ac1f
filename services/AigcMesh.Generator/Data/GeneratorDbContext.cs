using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Generator.Data;

/// <summary>The generator service's own database (a Sqlite file in its data directory): models it can serve, stored generations.</summary>
public sealed class GeneratorDbContext(DbContextOptions<GeneratorDbContext> options) : DbContext(options)
{
    public DbSet<RegisteredModel> Models => Set<RegisteredModel>();
    public DbSet<StoredGeneration> Generations => Set<StoredGeneration>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RegisteredModel>().HasKey(m => m.ModelId);
        modelBuilder.Entity<StoredGeneration>().HasKey(g => g.GenerationId);
        modelBuilder.Entity<StoredGeneration>().HasIndex(g => new { g.ModelId, g.CreatedAt });
    }
}

/// <summary>A model from a ModelRegistered event (event-carried state).</summary>
public sealed class RegisteredModel
{
    public Guid ModelId { get; set; }
    public int Version { get; set; }
    public required string Family { get; set; }
    public required string DatasetId { get; set; }
    public required string WeightsArtifactId { get; set; }

    /// <summary>The model config as JSON (string to string).</summary>
    public required string ConfigJson { get; set; }

    public DateTime RegisteredAt { get; set; }
}

/// <summary>A generation kept in the artifact store: every job, and synchronous requests that asked to be stored.</summary>
public sealed class StoredGeneration
{
    public Guid GenerationId { get; set; }
    public Guid ModelId { get; set; }

    /// <summary>"images", "interpolation", "reconstruction" or "text".</summary>
    public required string Kind { get; set; }

    /// <summary>Queued, Running, Completed, Failed.</summary>
    public required string Status { get; set; }

    /// <summary>The request as JSON.</summary>
    public required string RequestJson { get; set; }

    /// <summary>Artifact ids of the images (JSON array) or of the text.</summary>
    public string? ArtifactIdsJson { get; set; }

    public string? GridArtifactId { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}
