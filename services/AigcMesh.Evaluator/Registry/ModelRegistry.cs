using System.Text.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Evaluator.Data;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Registry;

/// <summary>The evaluator's own table of models, kept from ModelRegistered events.</summary>
public sealed class ModelRegistry(IDbContextFactory<EvaluatorDbContext> factory)
{
    /// <summary>Records the model (idempotent: a redelivered event changes nothing); true when it was new.</summary>
    public async Task<bool> RegisterAsync(ModelRegistered message, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Models.FindAsync([message.ModelId], cancellationToken);
        var isNew = existing is null;
        existing ??= db.Models.Add(new RegisteredModel { ModelId = message.ModelId, RegisteredAt = DateTimeOffset.UtcNow }).Entity;
        existing.Version = message.Version;
        existing.Family = message.Family;
        existing.DatasetId = message.DatasetId;
        existing.RunId = message.RunId;
        existing.WeightsArtifactId = message.CheckpointArtifactId;
        existing.ConfigJson = JsonSerializer.Serialize(message.Config);
        await db.SaveChangesAsync(cancellationToken);
        return isNew;
    }

    public async Task<RegisteredModel?> FindAsync(Guid modelId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.ModelId == modelId, cancellationToken);
    }

    /// <summary>Waits up to <paramref name="wait"/> for a model whose ModelRegistered may still be on its way.</summary>
    public async Task<RegisteredModel?> WaitForAsync(Guid modelId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var model = await FindAsync(modelId, cancellationToken);
            if (model is not null || DateTime.UtcNow >= deadline) return model;
            await Task.Delay(250, cancellationToken);
        }
    }

    public static IReadOnlyDictionary<string, string> ConfigOf(RegisteredModel model) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(model.ConfigJson) ?? [];
}
