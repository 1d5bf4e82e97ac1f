using AigcMesh.Dataset.Data;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Pipelines;
using AigcMesh.Generator.Data;
using AigcMesh.Hosting;
using AigcMesh.Testing;
using AigcMesh.Trainer.Data;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Embedded.Tests;

/// <summary>Every service's database is described by its migrations: a model change without a migration fails here.</summary>
public sealed class The_service_databases : IDisposable
{
    private readonly TempDirectory folder = new();

    public static TheoryData<Type> Contexts =>
        [typeof(DatasetDbContext), typeof(TrainerDbContext), typeof(GeneratorDbContext), typeof(EvaluatorDbContext), typeof(PipelineDbContext)];

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task Are_created_by_their_migrations_with_no_model_change_left_out(Type context)
    {
        var typed = (DbContextOptions)Activator.CreateInstance(typeof(DbContextOptions<>).MakeGenericType(context))!;
        var options = new DbContextOptionsBuilder(typed).UseSqlite($"Data Source={Path.Combine(folder.Path, context.Name)}.db;Pooling=False").Options;
        await using var db = (DbContext)Activator.CreateInstance(context, options)!;
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"{context.Name} has model changes without a migration: add one (docs/architecture.md, Databases).");
        await ServiceDatabaseSchema.MigrateAsync(db, CancellationToken.None);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    public void Dispose() => folder.Dispose();
}
