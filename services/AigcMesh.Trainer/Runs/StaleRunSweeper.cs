using AigcMesh.Trainer.Leases;
using MassTransit;

namespace AigcMesh.Trainer.Runs;

/// <summary>
/// In every trainer: periodically finds runs whose trainer died (lease heartbeat stale, run not finished) and puts
/// them back on the start-training queue, once per dead lease generation (a marker file decides which sweeper sends),
/// so that some trainer claims the next generation and resumes from the last checkpoint.
/// </summary>
public sealed class StaleRunSweeper(RunLeases leases, TrainerOptions options, IBus bus, TimeProvider clock, ILogger<StaleRunSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SweepSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    log.LogWarning(e, "Lease sweep failed; trying again next time");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Re-sends every orphaned run this sweeper wins the marker for; returns how many.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        var sent = 0;
        var now = clock.GetUtcNow();
        foreach (var (folder, claim) in leases.Orphans(now).ToList())
        {
            if (folder.ReadStart() is not { } command) continue;
            if (!folder.TryMarkResend(claim.Generation, now, leases.StaleAfter * 4)) continue;
            log.LogWarning("Run {RunId}: trainer {Owner} stopped heartbeating (lease generation {Generation}); re-queued to resume from its checkpoint",
                folder.RunId, claim.Owner, claim.Generation);
            await RunHost.SendToQueueAsync(bus, command);
            sent++;
        }
        return sent;
    }
}
