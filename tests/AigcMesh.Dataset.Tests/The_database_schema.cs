using AigcMesh.Contracts.Datasets;
using AigcMesh.Dataset.Data;
using AigcMesh.Hosting;
using AigcMesh.Testing;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Tests;

/// <summary>The service database is migrated, and a database made before migrations existed is adopted or refused.</summary>
public sealed class The_database_schema : IDisposable
{
    private readonly TempDirectory folder = new();

    private DatasetDbContext Open() =>
        new(new DbContextOptionsBuilder<DatasetDbContext>().UseSqlite($"Data Source={Path.Combine(folder.Path, "dataset.db")};Pooling=False").Options);

    [Fact]
    public async Task A_new_database_gets_every_migration()
    {
        await using var db = Open();
        await ServiceDatabaseSchema.MigrateAsync(db, CancellationToken.None);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Empty(await db.Datasets.ToListAsync());
    }

    [Fact]
    public async Task A_database_created_before_migrations_is_adopted_with_its_rows()
    {
        await using (var old = Open())
        {
            await old.Database.EnsureCreatedAsync();
            old.Datasets.Add(new DatasetRecord { Id = "d1", Name = "kept", Modality = DatasetModality.Image, SourceKind = "idx", ArtifactIds = "a b", CreatedAt = DateTime.UtcNow });
            await old.SaveChangesAsync();
        }
        await using var db = Open();
        await ServiceDatabaseSchema.MigrateAsync(db, CancellationToken.None);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal("kept", Assert.Single(await db.Datasets.ToListAsync()).Name);
    }

    [Fact]
    public async Task A_database_with_another_schema_is_refused_naming_the_difference()
    {
        await using var db = Open();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE Datasets (Id TEXT PRIMARY KEY, Name TEXT)");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceDatabaseSchema.MigrateAsync(db, CancellationToken.None));
        Assert.Contains("table Datasets has columns (Id, Name)", refused.Message);
        Assert.Contains("table Imports is missing", refused.Message);
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
    }

    public void Dispose() => folder.Dispose();
}
