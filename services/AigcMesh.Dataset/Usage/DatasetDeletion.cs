using AigcMesh.Dataset.Data;
using AigcMesh.Storage;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Usage;

public enum DeletionResult
{
    Deleted,
    NotFound,
    InUse,
}

/// <summary>
/// Deletes a data set unless a run uses it: its database row, then the artifacts no other data set shares
/// (shards can be shared, for example the split texts of two tokenizations of one corpus).
/// </summary>
public sealed class DatasetDeletion(IDbContextFactory<DatasetDbContext> databases, ArtifactStore store, RunUsageTracker runs)
{
    public async Task<(DeletionResult Result, IReadOnlyList<Guid> Runs)> DeleteAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var record = await db.Datasets.FindAsync([datasetId], cancellationToken);
        if (record is null) return (DeletionResult.NotFound, []);
        var active = await runs.ActiveRunsAsync(datasetId, cancellationToken);
        if (active.Count > 0) return (DeletionResult.InUse, active);

        var shared = (await db.Datasets.Where(d => d.Id != datasetId).Select(d => d.ArtifactIds).ToListAsync(cancellationToken))
            .SelectMany(a => a.Split(' ')).ToHashSet(StringComparer.Ordinal);
        db.Datasets.Remove(record);
        await db.SaveChangesAsync(cancellationToken);
        // The manifest goes first, so a reader never finds a manifest whose shards are gone.
        foreach (var artifact in record.ArtifactIds.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!shared.Contains(artifact) && ArtifactId.TryParse(artifact, out var id)) store.Delete(id);
        }
        return (DeletionResult.Deleted, []);
    }
}
