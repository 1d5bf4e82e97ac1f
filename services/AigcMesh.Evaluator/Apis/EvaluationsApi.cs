using AigcMesh.Contracts.Evaluation;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Evaluation.Optimisation;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Evaluations;
using AigcMesh.Evaluator.Optimisation;
using AigcMesh.Evaluator.Registry;
using AigcMesh.Models;
using AigcMesh.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AigcMesh.Evaluator.Apis;

public sealed record EvaluationRequest(Guid ModelId, int? SampleCount = null, IReadOnlyList<string>? References = null, string? Prompt = null);

/// <summary>/api/evaluations: request an evaluation (202 + Location), read one, list a model's, and content optimisation.</summary>
public static class EvaluationsApi
{
    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/evaluations").WithTags("Evaluations");
        group.MapPost("/", RequestAsync).WithName("RequestEvaluation").WithSummary("Evaluate a registered model (202; poll the Location).")
            .Accepts<EvaluationRequest>("application/json").Produces<EvaluationView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{evaluationId:guid}", GetAsync).WithName("GetEvaluation").WithSummary("An evaluation with its metrics and baselines.")
            .Produces<EvaluationView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListAsync).WithName("ListEvaluations").WithSummary("Evaluations, newest first; ?modelId= filters.")
            .Produces<List<EvaluationView>>();
        group.MapPost("/optimise", OptimiseAsync).WithName("OptimiseContent").WithSummary("Best-of-n generation with scores, post-processing and filters.")
            .Accepts<OptimiseRequest>("application/json").Produces<OptimiseResponse>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/optimised/{artifactId}", OptimisedImage).WithName("GetOptimisedImage").WithSummary("A kept image of a content optimisation, as PNG (its item's url).")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> RequestAsync(EvaluationRequest request, ModelRegistry registry, EvaluationStore evaluations, IPublishEndpoint publish,
        IOptions<EvaluatorOptions> options, HttpContext http, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var errors = new Dictionary<string, string[]>();
        if (request.ModelId == Guid.Empty) errors["modelId"] = ["modelId is required."];
        if (request.SampleCount is { } n && (n < 16 || n > settings.MaxSampleCount)) errors["sampleCount"] = [$"sampleCount must be within [16, {settings.MaxSampleCount}]."];
        if (request.References is { } refs && (refs.Count > 1000 || refs.Any(string.IsNullOrWhiteSpace))) errors["references"] = ["references must be at most 1000 non-empty texts."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);
        var model = await registry.FindAsync(request.ModelId, cancellationToken);
        if (model is null) return Results.Problem($"Model {request.ModelId} is not registered with the evaluator.", statusCode: StatusCodes.Status404NotFound, title: "Unknown model");

        var correlationId = http.Request.Headers.TryGetValue("X-Correlation-Id", out var header) && Guid.TryParse(header, out var c) ? c : NewId.NextGuid();
        var sampleCount = request.SampleCount ?? settings.DefaultSampleCount;
        var record = new EvaluationRecord
        {
            EvaluationId = NewId.NextGuid(),
            CorrelationId = correlationId,
            ModelId = model.ModelId,
            DatasetId = model.DatasetId,
            RunId = model.RunId,
            Family = model.Family,
            Trigger = "request",
            SampleCount = sampleCount,
            Prompt = request.Prompt,
            CreatedAt = DateTimeOffset.UtcNow,
            ReferencesJson = request.References is null ? null : System.Text.Json.JsonSerializer.Serialize(request.References),
        };
        await evaluations.CreateAsync(record, cancellationToken);
        await publish.Publish(new EvaluateModel(correlationId, record.EvaluationId, model.ModelId, sampleCount), cancellationToken);
        return Results.Accepted($"/api/evaluations/{record.EvaluationId}", EvaluationStore.ToView(record));
    }

    private static async Task<IResult> GetAsync(Guid evaluationId, EvaluationStore evaluations, CancellationToken cancellationToken) =>
        await evaluations.FindAsync(evaluationId, cancellationToken) is { } record
            ? Results.Ok(EvaluationStore.ToView(record))
            : Results.Problem($"Evaluation {evaluationId} does not exist.", statusCode: StatusCodes.Status404NotFound, title: "Unknown evaluation");

    private static async Task<IResult> ListAsync(Guid? modelId, EvaluationStore evaluations, CancellationToken cancellationToken) =>
        Results.Ok(await evaluations.ListAsync(modelId, cancellationToken));

    private static IResult OptimisedImage(string artifactId, ArtifactStore store) =>
        OptimisedImages.OpenPng(store, artifactId) is { } png
            ? Results.Stream(png, "image/png")
            : Results.Problem($"There is no optimised image {artifactId}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown image");

    private static async Task<IResult> OptimiseAsync(OptimiseRequest request, ModelRegistry registry, ContentOptimisationService optimiser,
        IOptions<EvaluatorOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.ModelId == Guid.Empty) errors["modelId"] = ["modelId is required."];
        if (request.Candidates < 1 || request.Candidates > options.Value.MaxCandidates) errors["candidates"] = [$"candidates must be within [1, {options.Value.MaxCandidates}]."];
        if (request.Keep < 1 || request.Keep > request.Candidates) errors["keep"] = ["keep must be within [1, candidates]."];
        if (request.MaxNewTokens is < 1 or > 1024) errors["maxNewTokens"] = ["maxNewTokens must be within [1, 1024]."];
        if (request.Temperature is < 0 or > 10) errors["temperature"] = ["temperature must be within [0, 10]."];
        if (errors.Count > 0) return Results.ValidationProblem(errors);
        var model = await registry.FindAsync(request.ModelId, cancellationToken);
        if (model is null) return Results.Problem($"Model {request.ModelId} is not registered with the evaluator.", statusCode: StatusCodes.Status404NotFound, title: "Unknown model");
        var objectives = ModelFamilies.ModalityOf(model.Family) == DatasetModality.Image ? ImageScorer.Objectives : ContentOptimiser.TextObjectives;
        if (request.Objective is { } o && !objectives.Contains(o))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["objective"] = [$"objective must be one of {string.Join(", ", objectives)} for a {model.Family} model."] });
        try
        {
            return Results.Ok(await optimiser.OptimiseAsync(model, request, cancellationToken));
        }
        catch (Exception e) when (e is EvaluationRejectedException or ArgumentException)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Cannot optimise");
        }
    }
}
