using AigcMesh.Evaluator.Pipelines;
using AigcMesh.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Gateway.Tests.Pipelines;

/// <summary>
/// The pipeline state machine alone on MassTransit's test harness, with its real Sqlite saga repository on a file
/// in a temp folder. Several harnesses can be opened one after another on the same file (a restart).
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private PipelineHarness(ServiceProvider provider, ITestHarness harness)
    {
        this.provider = provider;
        Harness = harness;
        Saga = harness.GetSagaStateMachineHarness<PipelineStateMachine, PipelineState>();
    }

    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<PipelineStateMachine, PipelineState> Saga { get; }
    public IDbContextFactory<PipelineDbContext> Databases => provider.GetRequiredService<IDbContextFactory<PipelineDbContext>>();

    public static async Task<PipelineHarness> StartAsync(TempDirectory folder)
    {
        var path = Path.Combine(folder.Path, "pipelines.db");
        var provider = new ServiceCollection()
            .AddDbContextFactory<PipelineDbContext>(o => o.UseSqlite($"Data Source={path};Pooling=False"))
            .AddMassTransitTestHarness(bus => bus.AddPipelineConsumers())
            .BuildServiceProvider(true);
        await using (var db = await provider.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
        }
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(20);
        // The first message builds the EF model and the saga pipeline: allow for a slow, shared machine.
        harness.TestInactivityTimeout = TimeSpan.FromSeconds(3);
        await harness.Start();
        return new PipelineHarness(provider, harness);
    }

    /// <summary>The stored row, read with a fresh context (what a restarted service would see).</summary>
    public async Task<PipelineState?> StoredAsync(Guid id)
    {
        await using var db = await Databases.CreateDbContextAsync();
        return await db.Pipelines.AsNoTracking().SingleOrDefaultAsync(p => p.CorrelationId == id);
    }

    /// <summary>Waits until the stored pipeline is in <paramref name="state"/>.</summary>
    public async Task<PipelineState> WaitForAsync(Guid id, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        PipelineState? stored;
        while ((stored = await StoredAsync(id))?.CurrentState != state)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Pipeline {id} is {stored?.CurrentState ?? "missing"}, not {state}.");
            await Task.Delay(20);
        }
        return stored!;
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await provider.DisposeAsync();
    }
}
