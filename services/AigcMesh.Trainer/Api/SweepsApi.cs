using System.Text.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Hosting;
using AigcMesh.Trainer.Data;
using AigcMesh.Trainer.Leases;
using AigcMesh.Trainer.Registry;
using AigcMesh.Trainer.Sweeps;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Trainer.Api;

/// <summary>POST /api/sweeps. <c>parameters</c>: name → list of values (grid or random) or {"min","max","log"} (random only).</summary>
public sealed record StartSweepRequest(
    string? DatasetId,
    string? Family,
    string? Strategy,
    Dictionary<string, JsonElement>? Parameters,
    Dictionary<string, JsonElement>? Fixed,
    int? Trials,
    int? MaxSteps,
    double? MaxWallSeconds,
    int? Seed,
    DevicePreference? Device,
    string? Tokenizer);

public sealed record SweepBestView(Guid RunId, Guid? ModelId, string Metric, double Value);

public sealed record SweepView(Guid Id, string DatasetId, string Family, string Strategy, string PrimaryMetric, bool HigherIsBetter,
    string Status, IReadOnlyList<RunView> Runs, SweepBestView? Best, DateTimeOffset CreatedAt);

/// <summary>/api/sweeps: hyperparameter searches that fan out as runs over all trainers, with the best run by the family's primary metric.</summary>
public static class SweepsApi
{
    public static IEndpointRouteBuilder MapSweepsApi(this IEndpointRouteBuilder app)
    {
        var sweeps = app.MapGroup("/api/sweeps").WithTags("Sweeps");
        sweeps.MapPost("/", StartAsync).WithName("StartSweep").WithSummary("Expands a grid or random search into runs (202).")
            .Accepts<StartSweepRequest>("application/json").Produces<SweepAccepted>(StatusCodes.Status202Accepted).ProducesValidationProblem();
        sweeps.MapGet("/", ListAsync).WithName("ListSweeps").WithSummary("Sweeps with their runs and best run.").Produces<List<SweepView>>();
        sweeps.MapGet("/{id:guid}", GetAsync).WithName("GetSweep").WithSummary("A sweep: each run and the best run so far.")
            .Produces<SweepView>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> StartAsync(StartSweepRequest request, HttpContext http, RunRequestValidator validator, RunRegistry registry,
        IPublishEndpoint publisher, CancellationToken ct)
    {
        var strategy = request.Strategy?.Trim().ToLowerInvariant() ?? "grid";
        var seed = request.Seed ?? Random.Shared.Next();
        var (sets, expandErrors) = SweepExpander.Expand(strategy, request.Parameters ?? [], request.Fixed ?? [], request.Trials ?? 0, seed);
        if (expandErrors.Count > 0)
            return Results.ValidationProblem(expandErrors.GroupBy(e => e[..Math.Max(0, e.IndexOf(':'))]).ToDictionary(g => g.Key, g => g.ToArray()), title: "The sweep request is invalid.");

        var sweepId = Guid.NewGuid();
        var correlationId = CorrelationIdMiddleware.Get(http);
        var commands = new List<StartTraining>();
        var errors = new Dictionary<string, string[]>();
        foreach (var set in sets)
        {
            var (command, runErrors) = validator.Validate(
                new StartRunRequest(request.DatasetId, request.Family, set, request.MaxSteps, request.MaxWallSeconds, seed, request.Device, request.Tokenizer),
                correlationId, sweepId);
            foreach (var (key, messages) in runErrors) errors[key] = errors.TryGetValue(key, out var had) ? had.Union(messages).ToArray() : messages;
            if (command is not null) commands.Add(command);
        }
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The sweep request is invalid.");

        var family = commands[0].Family;
        var (metric, higherIsBetter) = PrimaryMetrics.Of(family);
        var started = new TrainingSweepStarted(correlationId, sweepId, commands[0].DatasetId, family, strategy, metric, higherIsBetter, commands.Select(c => c.RunId).ToList());
        await registry.ApplyAsync(started, ct);
        await publisher.Publish(started, ct);
        foreach (var command in commands)
        {
            await registry.ApplyAsync(command, ct);
            await publisher.Publish(command, ct);
        }
        return Results.Accepted($"/api/sweeps/{sweepId}", new SweepAccepted(sweepId, started.RunIds, $"/api/sweeps/{sweepId}"));
    }

    private static async Task<IResult> ListAsync(IDbContextFactory<TrainerDbContext> dbFactory, RunLeases leases, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sweeps = await db.Sweeps.AsNoTracking().ToListAsync(ct);
        var views = new List<SweepView>();
        foreach (var sweep in sweeps.OrderByDescending(s => s.CreatedAt)) views.Add(await ViewAsync(db, sweep, leases, ct));
        return Results.Ok(views);
    }

    private static async Task<IResult> GetAsync(Guid id, IDbContextFactory<TrainerDbContext> dbFactory, RunLeases leases, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sweep = await db.Sweeps.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (sweep is null) return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such sweep.", detail: $"There is no sweep {id}.");
        return Results.Ok(await ViewAsync(db, sweep, leases, ct));
    }

    private static async Task<SweepView> ViewAsync(TrainerDbContext db, SweepRecord sweep, RunLeases leases, CancellationToken ct)
    {
        var runIds = JsonSerializer.Deserialize<List<Guid>>(sweep.RunIdsJson, RunRegistry.Json) ?? [];
        var records = await db.Runs.AsNoTracking().Where(r => runIds.Contains(r.Id)).ToListAsync(ct);
        var runs = runIds.Select(id => records.FirstOrDefault(r => r.Id == id)).OfType<RunRecord>()
            .Select(r => RunView.Of(r, leases.Folder(r.Id).ReadCheckpoint())).ToList();
        var finals = runs.Select(r => r.Status == RunStatus.Completed ? r.FinalMetrics : null).ToList();
        var best = PrimaryMetrics.Best(finals, sweep.PrimaryMetric, sweep.HigherIsBetter);
        var status = runs.Count < runIds.Count || runs.Any(r => !RunStatus.IsTerminal(r.Status)) ? RunStatus.Running : RunStatus.Completed;
        return new SweepView(sweep.Id, sweep.DatasetId, sweep.Family, sweep.Strategy, sweep.PrimaryMetric, sweep.HigherIsBetter, status, runs,
            best is { } b ? new SweepBestView(runs[b].Id, runs[b].ModelId, sweep.PrimaryMetric, runs[b].FinalMetrics[sweep.PrimaryMetric]) : null,
            sweep.CreatedAt);
    }
}
