using System.Text.Json;
using AigcMesh.Generator.Data;
using AigcMesh.Storage;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Generator.Api;

/// <summary>
/// Generations kept for later: the row in the generator's database and the files in the artifact store. Only jobs
/// and requests that ask to be stored come here (the synchronous path stays off the disk).
/// </summary>
public sealed class GenerationStore(IDbContextFactory<GeneratorDbContext> databases, ArtifactStore artifacts)
{
    public async Task CreateAsync(Guid generationId, Guid modelId, string kind, string status, object request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.Generations.Add(new StoredGeneration
        {
            GenerationId = generationId,
            ModelId = modelId,
            Kind = kind,
            Status = status,
            RequestJson = JsonSerializer.Serialize(request, JsonSerializerOptions.Web),
            CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task MarkRunningAsync(Guid generationId, CancellationToken cancellationToken) =>
        UpdateAsync(generationId, g => g.Status = GenerationStatus.Running, cancellationToken);

    public Task FailAsync(Guid generationId, string error, CancellationToken cancellationToken) =>
        UpdateAsync(generationId, g =>
        {
            g.Status = GenerationStatus.Failed;
            g.Error = error;
            g.CompletedAt = DateTime.UtcNow;
        }, cancellationToken);

    /// <summary>Stores the files (PNGs and grid, or the text as UTF-8) and marks the generation completed.</summary>
    /// <summary>Stores the files and marks the generation completed; returns the files' artifact ids and the grid's.</summary>
    public async Task<(IReadOnlyList<string> ArtifactIds, string? GridArtifactId)> CompleteAsync(
        Guid generationId, IReadOnlyList<byte[]> files, byte[]? grid, CancellationToken cancellationToken)
    {
        var ids = files.Select(f => artifacts.Put(f).Value).ToList();
        var gridId = grid is null ? null : artifacts.Put(grid).Value;
        await UpdateAsync(generationId, g =>
        {
            g.Status = GenerationStatus.Completed;
            g.ArtifactIdsJson = JsonSerializer.Serialize(ids);
            g.GridArtifactId = gridId;
            g.CompletedAt = DateTime.UtcNow;
        }, cancellationToken);
        return (ids, gridId);
    }

    public async Task<GenerationView?> GetAsync(Guid generationId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.Generations.AsNoTracking().FirstOrDefaultAsync(g => g.GenerationId == generationId, cancellationToken);
        return row is null ? null : GenerationView.Of(row);
    }

    public async Task<IReadOnlyList<GenerationView>> ListAsync(Guid? modelId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var query = db.Generations.AsNoTracking();
        if (modelId is { } id) query = query.Where(g => g.ModelId == id);
        var rows = await query.OrderByDescending(g => g.CreatedAt).Take(limit).ToListAsync(cancellationToken);
        return rows.Select(GenerationView.Of).ToList();
    }

    /// <summary>Jobs that were queued or running when the service stopped will not finish: say so.</summary>
    public async Task FailUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Generations.Where(g => g.Status == GenerationStatus.Queued || g.Status == GenerationStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.Status, GenerationStatus.Failed).SetProperty(g => g.Error, "The generator restarted before the job finished."), cancellationToken);
    }

    private async Task UpdateAsync(Guid generationId, Action<StoredGeneration> change, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.Generations.FindAsync([generationId], cancellationToken) ?? throw new InvalidOperationException($"Generation {generationId} is not stored.");
        change(row);
        await db.SaveChangesAsync(cancellationToken);
    }
}

public static class GenerationStatus
{
    public const string Queued = "Queued";
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
}

/// <summary>A stored generation as the API shows it, with the URLs of its files.</summary>
public sealed record GenerationView(
    Guid GenerationId,
    Guid ModelId,
    string Kind,
    string Status,
    IReadOnlyList<string> ArtifactIds,
    string? GridArtifactId,
    IReadOnlyList<string> Files,
    string? Error,
    DateTime CreatedAt,
    DateTime? CompletedAt)
{
    public static GenerationView Of(StoredGeneration g)
    {
        var ids = g.ArtifactIdsJson is null ? [] : JsonSerializer.Deserialize<List<string>>(g.ArtifactIdsJson) ?? [];
        var files = ids.Concat(g.GridArtifactId is null ? [] : [g.GridArtifactId]).Select(a => $"/api/generations/{g.GenerationId}/artifacts/{a}").ToList();
        return new(g.GenerationId, g.ModelId, g.Kind, g.Status, ids, g.GridArtifactId, files, g.Error, g.CreatedAt, g.CompletedAt);
    }
}
