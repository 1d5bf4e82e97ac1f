using AigcMesh.Contracts.Training;
using AigcMesh.Trainer.Data;
using AigcMesh.Trainer.Leases;
using MassTransit;

namespace AigcMesh.Trainer.Runs;

/// <summary>
/// Cancels a run wherever it is: records the request in the run's folder (so a trainer that takes the run later sees
/// it), tells every trainer (the owner stops within a step), and when no live trainer holds the run (still queued, or
/// its trainer died) takes the lease itself and ends the run as cancelled at once.
/// </summary>
public sealed class RunCancellation(RunLeases leases, IBus publisher, TimeProvider clock)
{
    public async Task CancelAsync(RunRecord run, string reason, Guid correlationId, CancellationToken ct)
    {
        var folder = leases.Folder(run.Id);
        var now = clock.GetUtcNow();
        folder.WriteCancel(new CancelRequest(reason, now));
        await publisher.Publish(new CancelTraining(correlationId, run.Id, reason), ct);
        var claim = leases.TryClaim(run.Id, now);
        if (claim.Status != ClaimStatus.Claimed) return;
        var step = folder.ReadCheckpoint()?.Step ?? 0;
        await publisher.Publish(new TrainingCancelled(run.CorrelationId, run.Id, step, reason), ct);
        claim.Lease!.Finish(new RunOutcome("cancelled", step, reason, now));
    }
}
