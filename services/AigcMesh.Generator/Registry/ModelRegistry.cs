using System.Collections.Concurrent;
using System.Text.Json;
using AigcMesh.Contracts.Generation;
using AigcMesh.Contracts.Training;
using AigcMesh.Generator.Data;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Generator.Registry;

/// <summary>
/// The models this instance can serve, from ModelRegistered events, kept in its Sqlite database and in memory so
/// the request path never touches the database after a model's first look-up.
/// </summary>
public sealed class ModelRegistry(IDbContextFactory<GeneratorDbContext> databases)
{
    private readonly ConcurrentDictionary<Guid, GeneratorModel> known = new();

    /// <summary>Records (or replaces with a newer version) a registered model.</summary>
    public async Task RegisterAsync(ModelRegistered registered, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.Models.FindAsync([registered.ModelId], cancellationToken);
        if (row is not null && row.Version > registered.Version) return;
        if (row is null)
        {
            row = new RegisteredModel
            {
                ModelId = registered.ModelId,
                Family = registered.Family,
                DatasetId = registered.DatasetId,
                WeightsArtifactId = registered.CheckpointArtifactId,
                ConfigJson = "{}",
            };
            db.Models.Add(row);
        }
        row.Version = registered.Version;
        row.Family = registered.Family;
        row.DatasetId = registered.DatasetId;
        row.WeightsArtifactId = registered.CheckpointArtifactId;
        row.ConfigJson = JsonSerializer.Serialize(registered.Config);
        row.RegisteredAt = DateTime.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        known[row.ModelId] = ToModel(row);
    }

    /// <summary>The model, or null when this instance has not seen it registered.</summary>
    public async ValueTask<GeneratorModel?> FindAsync(Guid modelId, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(modelId, out var model)) return model;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.ModelId == modelId, cancellationToken);
        return row is null ? null : known.GetOrAdd(modelId, ToModel(row));
    }

    public async Task<IReadOnlyList<GeneratorModel>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Models.AsNoTracking().ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.RegisteredAt).Select(ToModel).ToList();
    }

    private static GeneratorModel ToModel(RegisteredModel row) => new(
        row.ModelId, row.Version, row.Family, row.DatasetId, row.WeightsArtifactId,
        JsonSerializer.Deserialize<Dictionary<string, string>>(row.ConfigJson) ?? []);
}
