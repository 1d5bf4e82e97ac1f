using AigcMesh.Dataset.Data;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Usage;

/// <summary>
/// Which training runs use which data set, from the training facts: StartTraining (published; it carries the
/// data set id) starts a run's use, TrainingStarted and TrainingProgressed renew it, TrainingCompleted,
/// TrainingFailed and TrainingCancelled end it at once. Without a final fact the use is a lease: a run that has
/// reported holds its data set for <see cref="DatasetOptions.RunLeaseMinutes"/> after its last fact (its trainer
/// died; a trainer that resumes it reports again), a run seen only as StartTraining for
/// <see cref="DatasetOptions.QueuedRunLeaseMinutes"/> (queued behind other runs, or lost).
/// </summary>
public sealed class RunUsageTracker(IDbContextFactory<DatasetDbContext> databases, TimeProvider time, DatasetOptions options)
{
    public TimeSpan RunLease => TimeSpan.FromMinutes(options.RunLeaseMinutes);

    public TimeSpan QueuedRunLease => TimeSpan.FromMinutes(options.QueuedRunLeaseMinutes);

    public Task StartedAsync(Guid runId, string datasetId, CancellationToken cancellationToken) =>
        UpdateAsync(runId, (run, now) =>
        {
            run.DatasetId = datasetId;
            // (Re)queued: a StartTraining sent again for a run whose trainer died waits for a trainer like a new one.
            run.StartedAt = now;
        }, cancellationToken);

    public Task SeenAsync(Guid runId, CancellationToken cancellationToken) => UpdateAsync(runId, (_, _) => { }, cancellationToken);

    public Task EndedAsync(Guid runId, string fact, CancellationToken cancellationToken) =>
        UpdateAsync(runId, (run, now) =>
        {
            run.EndedAt ??= now;
            run.EndedBy ??= fact;
        }, cancellationToken);

    /// <summary>The runs that use a data set now.</summary>
    public async Task<IReadOnlyList<Guid>> ActiveRunsAsync(string datasetId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var reportedSince = now - RunLease;
        var queuedSince = now - QueuedRunLease;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // StartTraining sets StartedAt and LastSeenAt together; any later fact moves LastSeenAt on: a run whose two
        // times are equal has not reported since it was (re)queued.
        return await db.Runs
            .Where(r => r.DatasetId == datasetId && r.EndedAt == null
                && (r.LastSeenAt >= reportedSince || (r.LastSeenAt == r.StartedAt && r.LastSeenAt >= queuedSince)))
            .Select(r => r.RunId).ToListAsync(cancellationToken);
    }

    private async Task UpdateAsync(Guid runId, Action<RunUsage, DateTime> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var run = await db.Runs.FindAsync([runId], cancellationToken);
            if (run is null)
            {
                run = new RunUsage { RunId = runId };
                db.Runs.Add(run);
            }
            var now = time.GetUtcNow().UtcDateTime;
            change(run, now);
            run.LastSeenAt = now;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // Two facts of a new run at once: the other inserted it first; apply this change to its row.
            }
        }
    }
}
