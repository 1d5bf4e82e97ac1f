using System.Text.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Trainer.Data;
using AigcMesh.Trainer.Leases;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Trainer.Registry;

/// <summary>
/// Keeps this instance's run, model and sweep tables current from the facts (whichever trainer produced them), and
/// relays each fact to the run's SSE watchers. A finished run stays finished: late progress does not reopen it.
/// </summary>
public sealed class RunRegistry(IDbContextFactory<TrainerDbContext> dbFactory, RunEventHub hub, RunLeases leases, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task ApplyAsync(StartTraining m, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Runs.FindAsync([m.RunId], ct) is not null) return;
        db.Runs.Add(RecordOf(m));
        await SaveIgnoringDuplicateAsync(db, ct);
        hub.Publish(m.RunId, "queued", new { runId = m.RunId });
    }

    /// <summary>
    /// The run's row; for a run this instance never saw start (it joined later, or its queue was created after the
    /// StartTraining), made from the start command in the run's shared folder.
    /// </summary>
    private async Task<RunRecord?> FindOrAdoptAsync(TrainerDbContext db, Guid runId, CancellationToken ct)
    {
        if (await db.Runs.FindAsync([runId], ct) is { } run) return run;
        if (leases.Folder(runId).ReadStart() is not { } start) return null;
        run = RecordOf(start);
        db.Runs.Add(run);
        return run;
    }

    private RunRecord RecordOf(StartTraining m)
    {
        var now = clock.GetUtcNow();
        return new RunRecord
        {
            Id = m.RunId,
            CorrelationId = m.CorrelationId,
            SweepId = m.SweepId,
            DatasetId = m.DatasetId,
            Family = m.Family,
            HyperparametersJson = JsonSerializer.Serialize(m.Hyperparameters, Json),
            MaxSteps = m.Budget.MaxSteps,
            MaxWallSeconds = m.Budget.MaxWallSeconds,
            Seed = m.Seed,
            DevicePreference = m.Device.ToString(),
            TotalSteps = m.Budget.MaxSteps,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public async Task ApplyAsync(TrainingStarted m, CancellationToken ct)
    {
        await UpdateRunAsync(m.RunId, r =>
        {
            // Every replica applies each fact to the shared database: the same start (same trainer, same step) counts once.
            if (!(r.Status == RunStatus.Running && r.TrainerId == m.TrainerId && r.ResumedFromStep == m.ResumedFromStep)) r.Starts++;
            r.Status = RunStatus.Running;
            r.TrainerId = m.TrainerId;
            r.Device = m.Device;
            r.ResumedFromStep = m.ResumedFromStep;
            r.Step = Math.Max(r.Step, m.ResumedFromStep);
            r.ParameterCount = m.ParameterCount;
        }, ct);
        hub.Publish(m.RunId, "started", m);
    }

    public async Task ApplyAsync(TrainingProgressed m, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindOrAdoptAsync(db, m.RunId, ct);
        if (run is not null && !RunStatus.IsTerminal(run.Status))
        {
            run.Status = RunStatus.Running;
            run.Step = m.Step;
            run.TotalSteps = m.TotalSteps;
            run.LossesJson = JsonSerializer.Serialize(m.Losses, Json);
            run.LearningRate = m.LearningRate;
            run.ItemsPerSecond = m.ItemsPerSecond;
            run.EtaSeconds = m.EtaSeconds;
            run.UpdatedAt = clock.GetUtcNow();
        }
        if (m.SnapshotArtifactId is not null && !await db.Snapshots.AnyAsync(s => s.RunId == m.RunId && s.ArtifactId == m.SnapshotArtifactId, ct))
            db.Snapshots.Add(new SnapshotRecord { RunId = m.RunId, Step = m.Step, ArtifactId = m.SnapshotArtifactId, At = clock.GetUtcNow() });
        await SaveIgnoringDuplicateAsync(db, ct);
        hub.Publish(m.RunId, "progress", m);
    }

    public async Task ApplyAsync(TrainingCompleted m, CancellationToken ct)
    {
        await UpdateRunAsync(m.RunId, r =>
        {
            r.Status = RunStatus.Completed;
            r.Step = m.Steps;
            r.ModelId = m.ModelId;
            r.FinalMetricsJson = JsonSerializer.Serialize(m.FinalMetrics, Json);
            r.EtaSeconds = 0;
        }, ct);
        hub.Publish(m.RunId, "completed", m);
    }

    public async Task ApplyAsync(TrainingFailed m, CancellationToken ct)
    {
        await UpdateRunAsync(m.RunId, r =>
        {
            r.Status = RunStatus.Failed;
            r.Reason = m.Reason;
        }, ct);
        hub.Publish(m.RunId, "failed", m);
    }

    public async Task ApplyAsync(TrainingCancelled m, CancellationToken ct)
    {
        await UpdateRunAsync(m.RunId, r =>
        {
            r.Status = RunStatus.Cancelled;
            r.Step = Math.Max(r.Step, m.Step);
            r.Reason = m.Reason;
        }, ct);
        hub.Publish(m.RunId, "cancelled", m);
    }

    public async Task ApplyAsync(ModelRegistered m, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Models.FindAsync([m.ModelId], ct) is not null) return;
        db.Models.Add(new ModelRecord
        {
            Id = m.ModelId,
            Version = m.Version,
            Family = m.Family,
            DatasetId = m.DatasetId,
            RunId = m.RunId,
            WeightsArtifactId = m.CheckpointArtifactId,
            ConfigJson = JsonSerializer.Serialize(m.Config, Json),
            MetricsJson = JsonSerializer.Serialize(m.Metrics, Json),
            RegisteredAt = clock.GetUtcNow(),
        });
        await SaveIgnoringDuplicateAsync(db, ct);
        hub.Publish(m.RunId, "model", m);
    }

    public async Task ApplyAsync(TrainingSweepStarted m, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Sweeps.FindAsync([m.SweepId], ct) is not null) return;
        db.Sweeps.Add(new SweepRecord
        {
            Id = m.SweepId,
            DatasetId = m.DatasetId,
            Family = m.Family,
            Strategy = m.Strategy,
            PrimaryMetric = m.PrimaryMetric,
            HigherIsBetter = m.HigherIsBetter,
            RunIdsJson = JsonSerializer.Serialize(m.RunIds, Json),
            CreatedAt = clock.GetUtcNow(),
        });
        await SaveIgnoringDuplicateAsync(db, ct);
    }

    /// <summary>The next version number for a model of this family on this data set, as far as this instance knows.</summary>
    public async Task<int> NextModelVersionAsync(string family, string datasetId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var versions = await db.Models.Where(m => m.Family == family && m.DatasetId == datasetId).Select(m => m.Version).ToListAsync(ct);
        return versions.Count == 0 ? 1 : versions.Max() + 1;
    }

    private async Task UpdateRunAsync(Guid runId, Action<RunRecord> update, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await FindOrAdoptAsync(db, runId, ct);
        if (run is null || RunStatus.IsTerminal(run.Status)) return;
        update(run);
        run.UpdatedAt = clock.GetUtcNow();
        await SaveIgnoringDuplicateAsync(db, ct);
    }

    private static async Task SaveIgnoringDuplicateAsync(TrainerDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same fact applied twice at once (redelivery): the first write stands.
        }
    }
}
