using AigcMesh.Contracts.Generation;
using AigcMesh.Generator.Registry;
using AigcMesh.Hosting;
using AigcMesh.Storage;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Api;

/// <summary>The generator's HTTP API under /api/generations (as the gateway routes it).</summary>
public static class GenerationsApi
{
    public static IEndpointRouteBuilder MapGenerationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/generations").WithTags("Generations");
        group.MapPost("", CreateAsync).WithName("CreateGeneration")
            .WithSummary("Images or text from a registered model: 200 with the result, or 202 with a status URL for a large request.")
            .WithDescription("Images answer ImagesResponse (or the PNG grid when Accept asks for image/png), text answers TextResponse. "
                + "503 with Retry-After when the workers are full; 422 when the model cannot be loaded.")
            .Accepts<GenerationRequest>("application/json")
            .ProducesOneOf(StatusCodes.Status200OK, "application/json", typeof(ImagesResponse), typeof(TextResponse))
            .ProducesOneOf(StatusCodes.Status200OK, "image/png", typeof(Stream)).Produces<GenerationAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("", ListAsync).WithName("ListGenerations").WithSummary("Stored generations, newest first; ?modelId= for one model's.")
            .Produces<List<GenerationView>>();
        group.MapGet("/models", ModelsAsync).WithName("ListGeneratorModels").WithSummary("The models this generator can serve.")
            .Produces<List<GeneratorModelSummary>>();
        group.MapGet("/{generationId:guid}", GetAsync).WithName("GetGeneration").WithSummary("A stored generation (job status, files).")
            .Produces<GenerationView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{generationId:guid}/artifacts/{artifactId}", ArtifactAsync).WithName("GetGenerationFile").WithSummary("One file of a stored generation.")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png", "text/plain").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/reconstructions", ReconstructAsync).DisableAntiforgery().WithName("ReconstructImage")
            .WithSummary("A VAE's reconstruction of an uploaded image (multipart: modelId, file).")
            .DescribesRequestBody(typeof(ReconstructionForm), "multipart/form-data")
            .Produces<ImagesResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/stream", TextStreamEndpoint.GetAsync).WithName("StreamTextGet").WithSummary("Text tokens as Server-Sent Events (query parameters).")
            .WithDescription("Query: modelId (required), prompt, maxNewTokens (64), temperature (1.0), topK, topP, stop (repeatable), seed (0).")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/stream", TextStreamEndpoint.PostAsync).WithName("StreamTextPost").WithSummary("Text tokens as Server-Sent Events (JSON body as POST /api/generations).")
            .Accepts<GenerationRequest>("application/json")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> CreateAsync(GenerationRequest request, HttpContext http, ModelRegistry registry, GenerationClient client,
        GenerationJobs jobs, GenerationStore store, IOptions<GeneratorOptions> options)
    {
        var model = await registry.FindAsync(request.ModelId, http.RequestAborted);
        if (model is null) return UnknownModel(request.ModelId);
        var errors = GenerationValidation.Check(request, model, options.Value.Limits);
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var limits = options.Value.Limits;
        var correlationId = CorrelationIdMiddleware.Get(http);
        var generationId = Guid.NewGuid();
        var kind = request.Images is { } im ? (im.InterpolateToSeed is null ? "images" : "interpolation") : "text";
        var large = request.Images is { } i ? i.Count > limits.MaxSyncImages : request.Text!.MaxNewTokens > limits.MaxSyncTokens;
        if (request.Async || large)
        {
            await jobs.AcceptAsync(new GenerationJob(correlationId, generationId, model, request), kind, http.RequestAborted);
            var location = $"/api/generations/{generationId}";
            return Results.Accepted(location, new GenerationAccepted(generationId, GenerationStatus.Queued, location));
        }

        try
        {
            if (request.Images is { } images)
            {
                var outcome = await client.GenerateAsync(new GenerateImages(correlationId, generationId, model, images.Count, images.Seed, images.ClassLabel, images.InterpolateToSeed), http.RequestAborted);
                if (outcome.Rejected is { } rejected) return Rejection(http, rejected);
                var result = outcome.Result!;
                if (request.Store)
                {
                    await store.CreateAsync(generationId, model.ModelId, kind, GenerationStatus.Running, request, CancellationToken.None);
                    await store.CompleteAsync(generationId, result.Images, result.Grid, CancellationToken.None);
                }
                AddTimingHeaders(http, result.ModelMilliseconds, result.BatchRequests, result.WorkerId);
                if (http.Request.Headers.Accept.ToString().Contains("image/png", StringComparison.OrdinalIgnoreCase))
                    return Results.File(result.Grid, "image/png");
                return Results.Ok(new ImagesResponse(generationId, model.ModelId, result.Images, result.Grid, result.ModelMilliseconds, result.BatchRequests, result.WorkerId,
                    request.Store ? $"/api/generations/{generationId}" : null));
            }

            var text = request.Text!;
            var textOutcome = await client.GenerateAsync(new GenerateText(correlationId, generationId, model, text.ToOptions(), false), http.RequestAborted);
            if (textOutcome.Rejected is { } textRejected) return Rejection(http, textRejected);
            var generated = textOutcome.Result!;
            if (request.Store)
            {
                await store.CreateAsync(generationId, model.ModelId, kind, GenerationStatus.Running, request, CancellationToken.None);
                await store.CompleteAsync(generationId, [System.Text.Encoding.UTF8.GetBytes(generated.Text)], null, CancellationToken.None);
            }
            AddTimingHeaders(http, generated.ModelMilliseconds, 1, generated.WorkerId);
            return Results.Ok(new TextResponse(generationId, model.ModelId, generated.Text, generated.TokenCount, generated.FinishReason, generated.ModelMilliseconds, generated.WorkerId,
                request.Store ? $"/api/generations/{generationId}" : null));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.StatusCode(StatusCodes.Status499ClientClosedRequest);
        }
    }

    private static async Task<IResult> ReconstructAsync(HttpContext http, ModelRegistry registry, GenerationClient client, IOptions<GeneratorOptions> options)
    {
        var limits = options.Value.Limits;
        if (!http.Request.HasFormContentType) return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send multipart/form-data with 'modelId' and 'file'."] });
        if (http.Request.ContentLength > limits.MaxUploadBytes + 64 * 1024)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"The upload is larger than {limits.MaxUploadBytes} bytes (limit Generator:Limits:MaxUploadBytes)."] });
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (!Guid.TryParse(form["modelId"], out var modelId)) return Results.ValidationProblem(new Dictionary<string, string[]> { ["modelId"] = ["A model id is required."] });
        var file = form.Files.GetFile("file");
        if (file is null) return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["An image file is required."] });
        if (file.Length > limits.MaxUploadBytes)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"The image is larger than {limits.MaxUploadBytes} bytes (limit Generator:Limits:MaxUploadBytes)."] });
        var model = await registry.FindAsync(modelId, http.RequestAborted);
        if (model is null) return UnknownModel(modelId);
        if (model.Family != AigcMesh.Models.ModelFamilies.Vae)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["modelId"] = [$"Reconstruction needs a VAE; model {modelId} is a {model.Family}."] });

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, http.RequestAborted);
        var shape = Worker.GenerationWorker.ImageShapeOf(model);
        var decoded = Inference.PngCodec.DecodeTo(buffer.ToArray(), shape.Channels, shape.Height, shape.Width, limits.MaxUploadSide);
        if (decoded is null) return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["The file is not a PNG or JPEG image."] });
        if (decoded.Value.SourceWidth > limits.MaxUploadSide || decoded.Value.SourceHeight > limits.MaxUploadSide)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"The image is {decoded.Value.SourceWidth}x{decoded.Value.SourceHeight}; each side may be at most {limits.MaxUploadSide} pixels (limit Generator:Limits:MaxUploadSide)."] });

        var generationId = Guid.NewGuid();
        try
        {
            var outcome = await client.ReconstructAsync(new ReconstructImages(CorrelationIdMiddleware.Get(http), generationId, model, 1, decoded.Value.Pixels), http.RequestAborted);
            if (outcome.Rejected is { } rejected) return Rejection(http, rejected);
            var result = outcome.Result!;
            AddTimingHeaders(http, result.ModelMilliseconds, result.BatchRequests, result.WorkerId);
            return Results.Ok(new ImagesResponse(generationId, model.ModelId, result.Images, result.Grid, result.ModelMilliseconds, result.BatchRequests, result.WorkerId, null));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.StatusCode(StatusCodes.Status499ClientClosedRequest);
        }
    }

    private static async Task<IResult> ListAsync(Guid? modelId, int? limit, GenerationStore store, CancellationToken cancellationToken) =>
        Results.Ok(await store.ListAsync(modelId, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken));

    private static async Task<IResult> ModelsAsync(ModelRegistry registry, CancellationToken cancellationToken) =>
        Results.Ok((await registry.ListAsync(cancellationToken)).Select(m => new GeneratorModelSummary(m.ModelId, m.Version, m.Family, m.DatasetId)));

    private static async Task<IResult> GetAsync(Guid generationId, GenerationStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(generationId, cancellationToken) is { } view
            ? Results.Ok(view)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown generation", detail: $"No stored generation {generationId}.");

    private static async Task<IResult> ArtifactAsync(Guid generationId, string artifactId, GenerationStore store, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var view = await store.GetAsync(generationId, cancellationToken);
        if (view is null || !(view.ArtifactIds.Contains(artifactId) || view.GridArtifactId == artifactId))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown file", detail: $"Generation {generationId} has no file {artifactId}.");
        var type = view.Kind == "text" ? "text/plain; charset=utf-8" : "image/png";
        return Results.Stream(artifacts.OpenRead(ArtifactId.Parse(artifactId)), type);
    }

    internal static IResult UnknownModel(Guid modelId) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model", detail: $"Model {modelId} is not registered with the generator.");

    /// <summary>A worker's refusal as HTTP: 400 invalid, 422 model unusable, 503 + Retry-After busy, 499 cancelled.</summary>
    internal static IResult Rejection(HttpContext http, GenerationRejected rejected)
    {
        switch (rejected.Kind)
        {
            case GenerationRejectionKind.Busy:
                http.Response.Headers.RetryAfter = Math.Max(1, rejected.RetryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Generator busy", detail: rejected.Reason);
            case GenerationRejectionKind.ModelUnusable:
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Model failed to load", detail: rejected.Reason);
            case GenerationRejectionKind.Cancelled:
                return Results.StatusCode(StatusCodes.Status499ClientClosedRequest);
            default:
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid generation request", detail: rejected.Reason);
        }
    }

    private static void AddTimingHeaders(HttpContext http, double modelMilliseconds, int batchRequests, string worker)
    {
        http.Response.Headers["X-Model-Milliseconds"] = modelMilliseconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Batch-Requests"] = batchRequests.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Generator-Worker"] = worker;
    }
}

/// <summary>Synchronous image results: PNGs (base64 in JSON) and one grid PNG.</summary>
public sealed record ImagesResponse(Guid GenerationId, Guid ModelId, IReadOnlyList<byte[]> Images, byte[] Grid, double ModelMilliseconds, int BatchRequests, string Worker, string? StoredUrl);

public sealed record TextResponse(Guid GenerationId, Guid ModelId, string Text, int TokenCount, string FinishReason, double ModelMilliseconds, string Worker, string? StoredUrl);
