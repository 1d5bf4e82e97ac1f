using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using AigcMesh.Contracts.Pipelines;
using AigcMesh.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>/api/pipelines: start a pipeline, read it, list them, and follow one live (Server-Sent Events).</summary>
public static class PipelineApi
{
    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        var pipelines = app.MapGroup("/api/pipelines").WithTags("Pipelines");

        pipelines.MapPost("/", StartAsync)
            .WithName("StartPipeline")
            .WithSummary("Start a pipeline: import or pick a data set, train a model, evaluate it and generate a sample set.")
            .WithDescription("Answers 202 with the pipeline and its Location; follow it with GET /api/pipelines/{id} or its event stream.")
            .Accepts<PipelineRequest>("application/json")
            .Produces<PipelineView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();

        pipelines.MapGet("/", ListAsync)
            .WithName("ListPipelines")
            .WithSummary("The most recent pipelines, newest first.")
            .Produces<IReadOnlyList<PipelineView>>();

        pipelines.MapGet("/{id:guid}", GetAsync)
            .WithName("GetPipeline")
            .WithSummary("One pipeline with each stage's status, its metrics and generated content.")
            .Produces<PipelineView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        pipelines.MapGet("/{id:guid}/events", EventsAsync)
            .WithName("GetPipelineEvents")
            .WithSummary("A live stream of the pipeline's stage changes (text/event-stream).")
            .WithDescription("Events: 'snapshot' (the pipeline, first), 'stage' (a stage changed status), then 'completed' or 'failed' (the pipeline, last).")
            .Produces<PipelineView>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Accepted<PipelineView>, ValidationProblem>> StartAsync(
        PipelineRequest request, HttpContext http, IPublishEndpoint bus, IDbContextFactory<PipelineDbContext> databases, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var id = NewId.NextGuid();
        var command = request.ToCommand(CorrelationIdMiddleware.Get(http), id);
        await bus.Publish(command, cancellationToken);

        // The state machine stores the pipeline when it takes the command; wait briefly so the answer shows it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        PipelineState? state;
        while ((state = await FindAsync(databases, id, cancellationToken)) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25, cancellationToken);
        }
        var view = state is not null ? PipelineView.Of(state) : Submitted(command);
        return TypedResults.Accepted($"/api/pipelines/{id}", view);
    }

    private static async Task<Ok<List<PipelineView>>> ListAsync(IDbContextFactory<PipelineDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Pipelines.AsNoTracking().OrderByDescending(p => p.CreatedAt).Take(100).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(PipelineView.Of).ToList());
    }

    private static async Task<Results<Ok<PipelineView>, ProblemHttpResult>> GetAsync(
        Guid id, IDbContextFactory<PipelineDbContext> databases, CancellationToken cancellationToken)
    {
        var state = await FindAsync(databases, id, cancellationToken);
        return state is null ? NotFound(id) : TypedResults.Ok(PipelineView.Of(state));
    }

    private static async Task<Results<ServerSentEventsResult<object>, ProblemHttpResult>> EventsAsync(
        Guid id, IDbContextFactory<PipelineDbContext> databases, CancellationToken cancellationToken)
    {
        if (await FindAsync(databases, id, cancellationToken) is null) return NotFound(id);
        return TypedResults.ServerSentEvents(Follow(id, databases, cancellationToken));
    }

    /// <summary>
    /// Reads the stored pipeline a few times a second and yields what changed. Reading the store (not the bus)
    /// lets any copy of the evaluator serve any pipeline's stream, whichever copy's state machine moved it.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<object>> Follow(Guid id, IDbContextFactory<PipelineDbContext> databases,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        PipelineView? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = await FindAsync(databases, id, cancellationToken);
            if (state is null) yield break;
            var view = PipelineView.Of(state);
            if (last is null)
            {
                yield return new SseItem<object>(view, "snapshot");
            }
            else
            {
                foreach (var stage in view.Stages.Where(s => last.Stages.Single(l => l.Stage == s.Stage).Status != s.Status))
                {
                    yield return new SseItem<object>(new PipelineStageEvent(id, stage.Stage, stage.Status), "stage");
                }
            }
            if (view.IsFinished)
            {
                yield return new SseItem<object>(view, view.Status == "Completed" ? "completed" : "failed");
                yield break;
            }
            last = view;
            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<PipelineState?> FindAsync(IDbContextFactory<PipelineDbContext> databases, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Pipelines.AsNoTracking().SingleOrDefaultAsync(p => p.CorrelationId == id, cancellationToken);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Pipeline not found", detail: $"There is no pipeline {id}.");

    private static PipelineView Submitted(StartPipeline command) => new(
        command.PipelineId, "Submitted", command.Family, command.BuiltInDataset, command.DatasetId, null,
        Enum.GetValues<PipelineStage>().Select(s => new PipelineStageView(s, PipelineStageStatus.Pending)).ToList(),
        new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
}

/// <summary>The data of a 'stage' event: one stage's new status.</summary>
public sealed record PipelineStageEvent(Guid PipelineId, PipelineStage Stage, PipelineStageStatus Status);
