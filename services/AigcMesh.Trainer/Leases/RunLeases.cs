namespace AigcMesh.Trainer.Leases;

/// <summary>
/// The lease protocol over the shared runs directory. A trainer owns a run while it holds the run's latest claim and
/// keeps its heartbeat fresh; a claim whose heartbeat is older than the stale limit (or that its owner released on
/// shutdown) may be superseded by creating the next generation's claim, which only one trainer can do. An owner that
/// finds a newer generation than its own has been fenced off and stops at once without publishing anything.
/// </summary>
public sealed class RunLeases(string runsDirectory, string instanceId, TimeSpan staleAfter)
{
    public string InstanceId { get; } = instanceId;
    public string RunsDirectory { get; } = runsDirectory;
    public TimeSpan StaleAfter { get; } = staleAfter;

    public RunFolder Folder(Guid runId) => new(RunsDirectory, runId);

    /// <summary>Tries to become the run's owner: the first claim, or the next one after a stale or released claim.</summary>
    public ClaimResult TryClaim(Guid runId, DateTimeOffset now)
    {
        var folder = Folder(runId);
        if (folder.ReadDone() is { } done) return new ClaimResult(ClaimStatus.Finished, null, done.Outcome);
        var latest = folder.LatestClaim();
        if (latest is not null && latest.IsLive(now, StaleAfter))
            return new ClaimResult(ClaimStatus.HeldElsewhere, null, latest.Owner);
        var claim = new LeaseClaim(InstanceId, (latest?.Generation ?? 0) + 1, now, now, Released: false);
        if (!folder.TryCreateClaim(claim)) return new ClaimResult(ClaimStatus.HeldElsewhere, null, "another trainer (lost the race)");
        // A trainer that finished the run between our read and our claim wrote done.json: do not run it again.
        if (folder.ReadDone() is { } late) return new ClaimResult(ClaimStatus.Finished, null, late.Outcome);
        return new ClaimResult(ClaimStatus.Claimed, new RunLease(folder, claim), InstanceId);
    }

    /// <summary>Runs that are not finished and whose latest claim is stale or released: their trainer is gone.</summary>
    public IEnumerable<(RunFolder Folder, LeaseClaim Claim)> Orphans(DateTimeOffset now)
    {
        if (!Directory.Exists(RunsDirectory)) yield break;
        foreach (var directory in Directory.EnumerateDirectories(RunsDirectory))
        {
            if (!Guid.TryParseExact(Path.GetFileName(directory), "N", out var runId)) continue;
            var folder = Folder(runId);
            if (folder.ReadDone() is not null) continue;
            var claim = folder.LatestClaim();
            if (claim is not null && !claim.IsLive(now, StaleAfter)) yield return (folder, claim);
        }
    }
}

public enum ClaimStatus
{
    Claimed,
    HeldElsewhere,
    Finished,
}

public sealed record ClaimResult(ClaimStatus Status, RunLease? Lease, string Detail);

/// <summary>This trainer's hold on one run (one claim generation). Every write checks that no newer claim exists.</summary>
public sealed class RunLease(RunFolder folder, LeaseClaim claim)
{
    private LeaseClaim _claim = claim;

    public RunFolder Folder { get; } = folder;
    public Guid RunId => Folder.RunId;
    public int Generation => _claim.Generation;
    public string Owner => _claim.Owner;

    /// <summary>True while no other trainer has superseded this claim.</summary>
    public bool IsCurrent => Folder.LatestGeneration() == _claim.Generation;

    /// <summary>Refreshes the heartbeat; false when the lease was lost (fenced): the run must stop without a word.</summary>
    public bool Heartbeat(DateTimeOffset now)
    {
        if (!IsCurrent) return false;
        _claim = _claim with { HeartbeatAt = now };
        Folder.RewriteClaim(_claim);
        return true;
    }

    public bool RecordCheckpoint(CheckpointIndex index)
    {
        if (!IsCurrent) return false;
        Folder.WriteCheckpoint(index with { Generation = _claim.Generation });
        return true;
    }

    public bool Finish(RunOutcome outcome)
    {
        if (!IsCurrent) return false;
        Folder.WriteDone(outcome);
        return true;
    }

    /// <summary>Gives the run up on shutdown: the claim is released, so another trainer may take it over at once.</summary>
    public void Release(DateTimeOffset now)
    {
        if (!IsCurrent) return;
        _claim = _claim with { HeartbeatAt = now, Released = true };
        Folder.RewriteClaim(_claim);
    }
}
