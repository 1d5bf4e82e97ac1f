using AigcMesh.Evaluation.Features;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Data;

/// <summary>The feature network index in the evaluator's database.</summary>
public sealed class SqliteFeatureNetworkIndex(IDbContextFactory<EvaluatorDbContext> factory) : IFeatureNetworkIndex
{
    public string? Find(string datasetId, int steps, int seed)
    {
        using var db = factory.CreateDbContext();
        return db.FeatureNetworks.AsNoTracking().FirstOrDefault(f => f.DatasetId == datasetId && f.Steps == steps && f.Seed == seed)?.ArtifactId;
    }

    public void Remember(FeatureNetworkInfo info, string artifactId)
    {
        using var db = factory.CreateDbContext();
        var existing = db.FeatureNetworks.Find(info.DatasetId, info.Steps, info.Seed);
        if (existing is null)
        {
            db.FeatureNetworks.Add(existing = new FeatureNetworkRecord { DatasetId = info.DatasetId, Steps = info.Steps, Seed = info.Seed, CreatedAt = DateTimeOffset.UtcNow });
        }
        existing.ArtifactId = artifactId;
        existing.Task = info.Task.ToString().ToLowerInvariant();
        existing.TestAccuracy = info.TestAccuracy;
        db.SaveChanges();
    }
}
