using System.Text.Json;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Hosting;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Trainer.Data;
using AigcMesh.Trainer.Leases;
using AigcMesh.Trainer.Registry;
using AigcMesh.Trainer.Runs;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Trainer.Api;

/// <summary>/api/runs: start, list, inspect, cancel and watch training runs; list and download their snapshots.</summary>
public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs").WithTags("Runs");
        runs.MapPost("/", StartAsync).WithName("StartRun").WithSummary("Starts a training run (202 with its status URL).")
            .Accepts<StartRunRequest>("application/json").Produces<RunAccepted>(StatusCodes.Status202Accepted).ProducesValidationProblem();
        runs.MapGet("/", ListAsync).WithName("ListRuns").WithSummary("Runs, newest first, with status and latest metrics.")
            .WithDescription("?status= and ?sweepId= filter.").Produces<List<RunView>>();
        runs.MapGet("/{id:guid}", GetAsync).WithName("GetRun").WithSummary("A run: status, latest metrics, checkpoint, lineage.")
            .Produces<RunView>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelRun").WithSummary("Stops a run within seconds.")
            .Produces<RunCancelling>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/{id:guid}/events", EventsAsync).WithName("RunEvents").WithSummary("Server-sent events of a run's progress.")
            .WithDescription("Events: 'state' (the run, first), then progress, metrics and snapshot events as they happen, ending with the run's terminal event.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{id:guid}/snapshots", SnapshotsAsync).WithName("ListRunSnapshots").WithSummary("A run's sample grids or sample texts.")
            .Produces<List<SnapshotView>>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{id:guid}/snapshots/{artifactId}", SnapshotAsync).WithName("GetRunSnapshot").WithSummary("One snapshot's content.")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png", "text/plain").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> StartAsync(StartRunRequest request, HttpContext http, RunRequestValidator validator,
        RunRegistry registry, IPublishEndpoint publisher, CancellationToken ct)
    {
        var (command, errors) = validator.Validate(request, CorrelationIdMiddleware.Get(http));
        if (command is null) return Results.ValidationProblem(errors, title: "The run request is invalid.");
        await registry.ApplyAsync(command, ct);
        await publisher.Publish(command, ct);
        return Results.Accepted($"/api/runs/{command.RunId}", new RunAccepted(command.RunId, RunStatus.Queued, $"/api/runs/{command.RunId}", $"/api/runs/{command.RunId}/events"));
    }

    private static async Task<IResult> ListAsync(IDbContextFactory<TrainerDbContext> dbFactory, RunLeases leases, string? status, Guid? sweepId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Runs.AsNoTracking();
        if (!string.IsNullOrEmpty(status)) query = query.Where(r => r.Status == status);
        if (sweepId is not null) query = query.Where(r => r.SweepId == sweepId);
        var rows = await query.ToListAsync(ct);
        return Results.Ok(rows.OrderByDescending(r => r.CreatedAt).Select(r => RunView.Of(r, leases.Folder(r.Id).ReadCheckpoint())).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, IDbContextFactory<TrainerDbContext> dbFactory, RunLeases leases, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return run is null ? NotFound(id) : Results.Ok(RunView.Of(run, leases.Folder(id).ReadCheckpoint()));
    }

    private static async Task<IResult> CancelAsync(Guid id, HttpContext http, IDbContextFactory<TrainerDbContext> dbFactory, RunCancellation cancellation, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run is null) return NotFound(id);
        if (RunStatus.IsTerminal(run.Status))
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The run has ended.", detail: $"Run {id} is {run.Status}.");
        await cancellation.CancelAsync(run, "cancelled through the API", CorrelationIdMiddleware.Get(http), ct);
        return Results.Accepted($"/api/runs/{id}", new RunCancelling(id, "cancelling"));
    }

    private static async Task EventsAsync(Guid id, HttpContext http, IDbContextFactory<TrainerDbContext> dbFactory, RunEventHub hub, RunLeases leases, CancellationToken ct)
    {
        var (token, reader) = hub.Watch(id);
        try
        {
            RunRecord? run;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
            }
            if (run is null)
            {
                await NotFound(id).ExecuteAsync(http);
                return;
            }
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            await WriteEventAsync(http, "state", RunView.Of(run, leases.Folder(id).ReadCheckpoint()), ct);
            if (RunStatus.IsTerminal(run.Status)) return;
            await foreach (var e in reader.ReadAllAsync(ct))
            {
                await WriteEventAsync(http, e.Type, e.Data, ct);
                if (e.IsTerminal) break;
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            hub.Unwatch(id, token);
        }
    }

    private static async Task WriteEventAsync(HttpContext http, string type, object data, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(data, data.GetType(), RunRegistry.Json);
        await http.Response.WriteAsync($"event: {type}\ndata: {json}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }

    private static async Task<IResult> SnapshotsAsync(Guid id, IDbContextFactory<TrainerDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run is null) return NotFound(id);
        var snapshots = await db.Snapshots.AsNoTracking().Where(s => s.RunId == id).ToListAsync(ct);
        return Results.Ok(snapshots.OrderBy(s => s.Step).Select(s =>
            new SnapshotView(s.Step, s.ArtifactId, MediaTypeOf(run.Family), $"/api/runs/{id}/snapshots/{s.ArtifactId}", s.At)).ToList());
    }

    private static async Task<IResult> SnapshotAsync(Guid id, string artifactId, IDbContextFactory<TrainerDbContext> dbFactory, ArtifactStore store, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run is null || !await db.Snapshots.AnyAsync(s => s.RunId == id && s.ArtifactId == artifactId, ct) || !ArtifactId.TryParse(artifactId, out var artifact))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such snapshot.", detail: $"Run {id} has no snapshot {artifactId}.");
        return Results.Stream(store.OpenRead(artifact), MediaTypeOf(run.Family));
    }

    internal static string MediaTypeOf(string family) =>
        ModelFamilies.ModalityOf(family) == DatasetModality.Text ? "text/plain; charset=utf-8" : "image/png";

    internal static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such run.", detail: $"There is no run {id}.");
}
