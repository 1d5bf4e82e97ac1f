using AigcMesh.Contracts.Training;
using AigcMesh.Testing;
using AigcMesh.Trainer.Leases;

namespace AigcMesh.Trainer.Tests;

public sealed class Run_leases : IDisposable
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly Guid _run = Guid.NewGuid();

    private RunLeases Trainer(string id) => new(_dir.Path, id, Stale);

    [Fact]
    public void A_live_run_is_never_handed_to_a_second_trainer()
    {
        var a = Trainer("a").TryClaim(_run, T0);
        Assert.Equal(ClaimStatus.Claimed, a.Status);
        Assert.True(a.Lease!.Heartbeat(T0 + TimeSpan.FromSeconds(25)));

        var b = Trainer("b").TryClaim(_run, T0 + TimeSpan.FromSeconds(50));

        Assert.Equal(ClaimStatus.HeldElsewhere, b.Status);
        Assert.Equal("a", b.Detail);
        Assert.True(a.Lease.IsCurrent);
    }

    [Fact]
    public void A_stale_lease_is_taken_over_by_exactly_one_trainer_and_fences_the_old_owner()
    {
        var a = Trainer("a").TryClaim(_run, T0).Lease!;
        var later = T0 + Stale + TimeSpan.FromSeconds(1);

        var results = Enumerable.Range(0, 8).AsParallel().Select(i => Trainer($"t{i}").TryClaim(_run, later)).ToList();

        var winner = Assert.Single(results, r => r.Status == ClaimStatus.Claimed);
        Assert.Equal(2, winner.Lease!.Generation);
        Assert.False(a.IsCurrent);
        Assert.False(a.Heartbeat(later));
        Assert.False(a.RecordCheckpoint(new CheckpointIndex(10, new string('a', 64), 1, 1, later)));
        Assert.False(a.Finish(new RunOutcome("completed", 10, null, later)));
        Assert.Null(new RunFolder(_dir.Path, _run).ReadDone());
    }

    [Fact]
    public void A_released_lease_can_be_taken_over_at_once()
    {
        var a = Trainer("a").TryClaim(_run, T0).Lease!;
        a.Release(T0 + TimeSpan.FromSeconds(1));

        var b = Trainer("b").TryClaim(_run, T0 + TimeSpan.FromSeconds(2));

        Assert.Equal(ClaimStatus.Claimed, b.Status);
    }

    [Fact]
    public void A_finished_run_is_not_started_again()
    {
        var a = Trainer("a").TryClaim(_run, T0).Lease!;
        Assert.True(a.Finish(new RunOutcome("completed", 100, null, T0)));

        var again = Trainer("b").TryClaim(_run, T0 + Stale * 3);

        Assert.Equal(ClaimStatus.Finished, again.Status);
        Assert.Equal("completed", again.Detail);
    }

    [Fact]
    public void The_checkpoint_index_survives_the_owner_and_names_its_generation()
    {
        var a = Trainer("a").TryClaim(_run, T0).Lease!;
        Assert.True(a.RecordCheckpoint(new CheckpointIndex(40, new string('b', 64), 12.5, 0, T0)));

        var index = new RunFolder(_dir.Path, _run).ReadCheckpoint();

        Assert.Equal(40, index!.Step);
        Assert.Equal(1, index.Generation);
        Assert.Equal(12.5, index.TrainedSeconds);
    }

    [Fact]
    public void Orphans_are_the_unfinished_runs_with_stale_or_released_leases_and_one_sweeper_resends_each()
    {
        var leases = Trainer("a");
        var live = Guid.NewGuid();
        var dead = Guid.NewGuid();
        var done = Guid.NewGuid();
        var queued = Guid.NewGuid();
        leases.TryClaim(live, T0 + Stale);
        leases.TryClaim(dead, T0);
        leases.TryClaim(done, T0).Lease!.Finish(new RunOutcome("failed", 0, "x", T0));
        leases.Folder(queued).WriteStart(new StartTraining(Guid.NewGuid(), queued, new string('c', 64), "dcgan", new Dictionary<string, string>(), new TrainingBudget(1, null), 1, DevicePreference.Cpu));
        var now = T0 + Stale + TimeSpan.FromSeconds(5);

        var orphans = leases.Orphans(now).ToList();

        var orphan = Assert.Single(orphans);
        Assert.Equal(dead, orphan.Folder.RunId);
        Assert.True(orphan.Folder.TryMarkResend(orphan.Claim.Generation, now, TimeSpan.FromMinutes(2)));
        Assert.False(new RunFolder(_dir.Path, dead).TryMarkResend(orphan.Claim.Generation, now, TimeSpan.FromMinutes(2)));
    }

    public void Dispose() => _dir.Dispose();
}
