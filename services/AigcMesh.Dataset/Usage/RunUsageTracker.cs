using AigcMesh.Dataset.Data;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Usage;

/// <summary>
/// Which training runs use which data set, from the training facts: StartTraining (published; it carries the
/// data set id) starts a run's use, TrainingStarted and TrainingProgressed keep it fresh, TrainingCompleted,
/// TrainingFailed and TrainingCancelled end it. A run not heard of for <see cref="StaleAfter"/> no longer holds its
/// data set (its trainer died without a final fact).
/// </summary>
public sealed class RunUsageTracker(IDbContextFactory<DatasetDbContext> databases, TimeProvider time)
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);

    public Task StartedAsync(Guid runId, string datasetId, CancellationToken cancellationToken) =>
        UpdateAsync(runId, run =>
        {
            run.DatasetId = datasetId;
            run.StartedAt ??= time.GetUtcNow().UtcDateTime;
        }, cancellationToken);

    public Task SeenAsync(Guid runId, CancellationToken cancellationToken) => UpdateAsync(runId, _ => { }, cancellationToken);

    public Task EndedAsync(Guid runId, string fact, CancellationToken cancellationToken) =>
        UpdateAsync(runId, run =>
        {
            run.EndedAt ??= time.GetUtcNow().UtcDateTime;
            run.EndedBy ??= fact;
        }, cancellationToken);

    /// <summary>The runs that use a data set now.</summary>
    public async Task<IReadOnlyList<Guid>> ActiveRunsAsync(string datasetId, CancellationToken cancellationToken)
    {
        var freshSince = time.GetUtcNow().UtcDateTime - StaleAfter;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Runs.Where(r => r.DatasetId == datasetId && r.EndedAt == null && r.LastSeenAt >= freshSince)
            .Select(r => r.RunId).ToListAsync(cancellationToken);
    }

    private async Task UpdateAsync(Guid runId, Action<RunUsage> change, CancellationToken cancellationToken)
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
            change(run);
            run.LastSeenAt = time.GetUtcNow().UtcDateTime;
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
