using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AigcMesh.Hosting;

public static class DatabaseExtensions
{
    /// <summary>
    /// Registers the service's own EF Core context on a Sqlite file named <paramref name="fileName"/> in the
    /// configured data directory, brings its schema to the newest migration before anything else starts (see
    /// <see cref="ServiceDatabaseSchema"/>), and adds a readiness check
    /// that opens it.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string fileName)
        where TContext : DbContext
    {
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        Directory.CreateDirectory(storage.DataDirectory);
        var path = Path.GetFullPath(Path.Combine(storage.DataDirectory, fileName));
        builder.Services.AddDbContextFactory<TContext>(o => o.UseSqlite($"Data Source={path};Pooling=False"));
        builder.Services.AddHostedService<DatabaseInitializer<TContext>>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"{Path.GetFileNameWithoutExtension(fileName)}-database",
            sp => new DatabaseHealthCheck<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()),
            HealthStatus.Unhealthy,
            [HealthTags.Ready]));
        return builder;
    }
}

/// <summary>
/// Migrates the schema before any other hosted service (the bus included) starts. Replicas of one service share
/// one database file (trainers on one volume), and two processes migrating at once would both try to create the
/// tables: migration is serialized across processes by an exclusive lock on a file beside the database.
/// </summary>
internal sealed class DatabaseInitializer<TContext>(IDbContextFactory<TContext> factory) : IHostedLifecycleService
    where TContext : DbContext
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var file = db.Database.GetDbConnection().DataSource;
        await using (await SchemaLock.AcquireAsync(file + ".schema-lock", TimeSpan.FromSeconds(120), cancellationToken))
        {
            await ServiceDatabaseSchema.MigrateAsync(db, cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class DatabaseHealthCheck<TContext>(IDbContextFactory<TContext> factory) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{typeof(TContext).Name} cannot open its database.");
    }
}

/// <summary>
/// An exclusive lock on a file shared by processes (FileShare.None, an advisory flock on Unix): released when disposed
/// or when its process dies, so a killed process never leaves it held.
/// </summary>
internal static class SchemaLock
{
    public static async Task<FileStream> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
