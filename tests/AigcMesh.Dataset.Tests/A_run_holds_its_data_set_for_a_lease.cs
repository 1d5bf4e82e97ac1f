using AigcMesh.Dataset.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Dataset.Tests;

/// <summary>How long a training run keeps its data set from being deleted when its trainer stops reporting.</summary>
public sealed class A_run_holds_its_data_set_for_a_lease
{
    [Fact]
    public async Task Renewed_by_each_training_fact_and_a_run_that_never_reports_holds_it_only_for_the_queued_lease()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await DatasetHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Dataset:RunLeaseMinutes"] = "10", ["Dataset:QueuedRunLeaseMinutes"] = "60" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var tracker = host.App.Services.GetRequiredService<RunUsageTracker>();
        var dataset = new string('d', 64);
        var (reporting, silent) = (Guid.NewGuid(), Guid.NewGuid());
        async Task<Guid[]> Active() => [.. (await tracker.ActiveRunsAsync(dataset, default)).Order()];
        Guid[] Both() => [.. new[] { reporting, silent }.Order()];

        await tracker.StartedAsync(reporting, dataset, default);
        await tracker.StartedAsync(silent, dataset, default);
        clock.Advance(TimeSpan.FromMinutes(1));
        await tracker.SeenAsync(reporting, default);
        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(Both(), await Active());

        // Ten minutes and a little after its last progress, the reporting run's trainer is taken as gone.
        clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal([silent], await Active());
        await tracker.SeenAsync(reporting, default);
        Assert.Equal(Both(), await Active());

        // The run that never reported (StartTraining only: still queued, or lost) holds the data set for the queued lease.
        clock.Advance(TimeSpan.FromMinutes(48));
        Assert.Equal([silent], await Active());
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await Active());

        // A fact from the run again, and it holds the data set again; a final fact releases it at once.
        await tracker.SeenAsync(silent, default);
        Assert.Equal([silent], await Active());
        await tracker.EndedAsync(silent, "TrainingCompleted", default);
        Assert.Empty(await Active());
    }
}
