using System.Text.Json;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Dataset.Data;
using AigcMesh.Dataset.Importing;
using AigcMesh.Dataset.Usage;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Datasets.Importing;
using AigcMesh.Hosting;
using AigcMesh.Storage;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Api;

/// <summary>The dataset service's HTTP API, under /api/datasets exactly as the gateway routes it.</summary>
public static class DatasetApi
{
    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Datasets");
        api.MapPost("", ImportAsync).WithName("ImportDataset").WithSummary("Import a built-in set or a server-side path (202, or ?wait=true)")
            .WithDescription("202 with the import's status and its Location to poll; with ?wait=true, 201 with the finished import, or 422 when it failed.")
            .Accepts<ImportRequest>("application/json")
            .Produces<ImportStatus>(StatusCodes.Status202Accepted).Produces<ImportStatus>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/uploads", UploadAsync).WithName("UploadDataset").WithSummary("Import uploaded files (multipart or raw body)")
            .WithDescription("Send the files as multipart/form-data, or one file as the raw body (application/octet-stream; ?fileName= names it); ?kind= says how to read them.")
            .DescribesRequestBody(typeof(IFormFileCollection), "multipart/form-data").DescribesRequestBody(typeof(Stream), "application/octet-stream")
            .Produces<ImportStatus>(StatusCodes.Status202Accepted).Produces<ImportStatus>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("", ListAsync).WithName("ListDatasets").WithSummary("Imported data sets, oldest first");
        api.MapGet("/{id}", GetAsync).WithName("GetDataset").WithSummary("Manifest and statistics")
            .Produces<DatasetDetails>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/preview", PreviewAsync).WithName("PreviewDataset").WithSummary("PNG grid of images, or sample text")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png", "text/plain").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{id}", DeleteAsync).WithName("DeleteDataset").WithSummary("Refused with 409 while a run uses the data set")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/imports", ListImportsAsync).WithName("ListImports").WithSummary("Recent imports, newest first (?take=, at most 500)");
        api.MapGet("/imports/{importId:guid}", GetImportAsync).WithName("GetImport").WithSummary("One import's status")
            .Produces<ImportStatus>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/imports/{importId:guid}/events", ImportEventsAsync).WithName("ImportEvents").WithSummary("Server-sent events of an import's progress")
            .WithDescription("Events: 'progress' while the import runs, then 'imported' or 'failed'; each data is the import's status.")
            .Produces<ImportStatus>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ImportAsync(
        ImportRequest request, [FromQuery] bool? wait, HttpContext http, ImportPathGuard guard, DatasetImportService imports,
        IPublishEndpoint publish, DatasetOptions options, CancellationToken cancellationToken)
    {
        var source = request.Source?.ToLowerInvariant();
        DatasetSourceKind kind;
        string? path = null;
        string name;
        if (source == "builtin")
        {
            if (!ImportSourceKinds.TryParse(request.Name ?? request.Kind, out kind) || !ImportSourceKinds.IsBuiltIn(kind))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["name"] = [$"The built-in sets are '{BuiltInDatasets.SyntheticImagesSource}' and '{BuiltInDatasets.SyntheticTextSource}'."],
                });
            }
            name = ImportSourceKinds.NameOf(kind);
        }
        else if (source == "path")
        {
            if (!ImportSourceKinds.TryParse(request.Kind, out kind) || ImportSourceKinds.IsBuiltIn(kind))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [KindHelp] });
            }
            try
            {
                path = guard.Check(request.Path);
            }
            catch (ImportPathRefusedException e)
            {
                return Results.Problem(title: e.NotFound ? "No such path" : "Path not allowed", detail: e.Message,
                    statusCode: e.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
            }
            name = request.Name ?? Path.GetFileName(path);
        }
        else
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["source"] = ["'builtin' (with name) or 'path' (with kind and path); uploads go to POST /api/datasets/uploads."],
            });
        }
        var importOptions = (request.Options ?? new ImportOptionsRequest()).ToOptions();
        var errors = ImportRequestValidator.Validate(name, kind, importOptions);
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        var command = new ImportDataset(CorrelationOf(http), Guid.NewGuid(), name, kind, [], path, importOptions);
        return await SubmitAsync(command, null, wait == true, imports, publish, options, cancellationToken);
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http, [FromQuery] string? kind, [FromQuery] string? name, [FromQuery] string? fileName, [FromQuery] bool? wait,
        [AsParameters] ImportOptionsRequest query, UploadReceiver receiver, UploadStaging staging, DatasetImportService imports, IPublishEndpoint publish,
        DatasetOptions options, CancellationToken cancellationToken)
    {
        if (!ImportSourceKinds.TryParse(kind, out var sourceKind) || ImportSourceKinds.IsBuiltIn(sourceKind))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [KindHelp] });
        }
        var importOptions = query.ToOptions();
        var errors = ImportRequestValidator.Validate(name, sourceKind, importOptions);
        if (errors.Count > 0) return Results.ValidationProblem(errors);

        ReceivedUpload upload;
        try
        {
            upload = await receiver.ReceiveAsync(http.Request, fileName, cancellationToken);
        }
        catch (UploadTooLargeException e)
        {
            return Results.Problem(title: "Upload too large", detail: e.Message, statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (BadHttpRequestException e)
        {
            return Results.Problem(title: "Bad upload", detail: e.Message, statusCode: e.StatusCode);
        }
        if (upload.ArtifactIds.Count == 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["files"] = ["The upload holds no file."] });
        }
        var command = new ImportDataset(CorrelationOf(http), Guid.NewGuid(), name ?? upload.Names[0], sourceKind, upload.ArtifactIds, null, importOptions);
        try
        {
            // Any instance may consume the command: the names go beside the uploaded files in the shared store.
            await staging.StageAsync(command.ImportId, upload.ArtifactIds, upload.Names, cancellationToken);
            return await SubmitAsync(command, upload.Names, wait == true, imports, publish, options, cancellationToken);
        }
        catch
        {
            staging.Remove(command.ImportId);
            await imports.DiscardUploadsAsync(upload.ArtifactIds);
            throw;
        }
    }

    private static async Task<IResult> SubmitAsync(
        ImportDataset command, IReadOnlyList<string>? names, bool wait, DatasetImportService imports, IPublishEndpoint publish,
        DatasetOptions options, CancellationToken cancellationToken)
    {
        var job = await imports.CreateJobAsync(command, names, cancellationToken);
        await publish.Publish(command, cancellationToken);
        var location = $"/api/datasets/imports/{job.Id}";
        if (!wait) return Results.Accepted(location, ImportStatus.Of(job));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(options.WaitSeconds);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
            var current = await imports.FindJobAsync(job.Id, cancellationToken);
            if (current is { State: ImportState.Succeeded }) return Results.Created($"/api/datasets/{current.DatasetId}", ImportStatus.Of(current));
            if (current is { State: ImportState.Failed })
            {
                return Results.Problem(title: "Import failed", detail: current.Error, statusCode: StatusCodes.Status422UnprocessableEntity,
                    extensions: new Dictionary<string, object?> { ["importId"] = current.Id });
            }
            job = current ?? job;
        }
        return Results.Accepted(location, ImportStatus.Of(job));
    }

    private static async Task<Ok<List<DatasetSummary>>> ListAsync(IDbContextFactory<DatasetDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var records = await db.Datasets.AsNoTracking().OrderBy(d => d.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(records.Select(DatasetSummary.Of).ToList());
    }

    private static async Task<IResult> GetAsync(
        string id, IDbContextFactory<DatasetDbContext> databases, ArtifactStore store, RunUsageTracker runs, CancellationToken cancellationToken)
    {
        var record = await FindAsync(id, databases, cancellationToken);
        if (record is null) return NotFound(id);
        var manifest = DatasetReader.ReadManifest(store, id);
        var active = await runs.ActiveRunsAsync(id, cancellationToken);
        return Results.Ok(new DatasetDetails(DatasetSummary.Of(record), active, manifest, manifest.Statistics));
    }

    private static async Task<IResult> PreviewAsync(
        string id, [FromQuery] string? split, [FromQuery] int? count, [FromQuery] int? characters,
        IDbContextFactory<DatasetDbContext> databases, ArtifactStore store, CancellationToken cancellationToken)
    {
        var record = await FindAsync(id, databases, cancellationToken);
        if (record is null) return NotFound(id);
        if (!Enum.TryParse<DatasetSplit>(split ?? "train", ignoreCase: true, out var which))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["split"] = ["train, validation or test."] });
        }
        if (record.Modality == DatasetModality.Image)
        {
            using var images = DatasetReader.OpenImages(store, id);
            if (images.Count(which) == 0) return Results.Problem(detail: $"The {which.ToString().ToLowerInvariant()} split is empty.", statusCode: 404);
            return Results.File(PreviewRenderer.ImageGrid(images, which, count ?? 64), "image/png");
        }
        using var text = DatasetReader.OpenText(store, id);
        return Results.Text(PreviewRenderer.TextSample(text, which, characters ?? 2000), "text/plain; charset=utf-8");
    }

    private static async Task<IResult> DeleteAsync(
        string id, HttpContext http, DatasetDeletion deletion, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        if (!ArtifactId.TryParse(id, out _)) return NotFound(id);
        var (result, runs) = await deletion.DeleteAsync(id, cancellationToken);
        switch (result)
        {
            case DeletionResult.NotFound:
                return NotFound(id);
            case DeletionResult.InUse:
                return Results.Problem(title: "Data set in use", detail: $"Data set {id} is used by {runs.Count} training run(s): {string.Join(", ", runs)}.",
                    statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["runs"] = runs });
            default:
                await publish.Publish(new DatasetDeleted(CorrelationOf(http), id), cancellationToken);
                return Results.NoContent();
        }
    }

    private static async Task<Ok<List<ImportStatus>>> ListImportsAsync(
        [FromQuery] int? take, IDbContextFactory<DatasetDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Imports.AsNoTracking().OrderByDescending(j => j.CreatedAt).Take(Math.Clamp(take ?? 50, 1, 500)).ToListAsync(cancellationToken);
        return TypedResults.Ok(jobs.Select(ImportStatus.Of).ToList());
    }

    private static async Task<IResult> GetImportAsync(Guid importId, DatasetImportService imports, CancellationToken cancellationToken)
    {
        var job = await imports.FindJobAsync(importId, cancellationToken);
        return job is null ? Results.Problem(detail: $"Import {importId} is not known.", statusCode: 404) : Results.Ok(ImportStatus.Of(job));
    }

    /// <summary>Server-sent events: "progress" while the import runs, then "imported" or "failed", then the stream ends.</summary>
    private static async Task ImportEventsAsync(Guid importId, HttpContext http, DatasetImportService imports, CancellationToken cancellationToken)
    {
        var job = await imports.FindJobAsync(importId, cancellationToken);
        if (job is null)
        {
            await Results.Problem(detail: $"Import {importId} is not known.", statusCode: 404).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var json = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        string? last = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                job = await imports.FindJobAsync(importId, cancellationToken) ?? job;
                var status = ImportStatus.Of(job);
                var data = JsonSerializer.Serialize(status, json);
                if (data != last)
                {
                    var type = job.State switch { ImportState.Succeeded => "imported", ImportState.Failed => "failed", _ => "progress" };
                    await http.Response.WriteAsync($"event: {type}\ndata: {data}\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    last = data;
                }
                if (job.Finished) return;
                await Task.Delay(250, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task<DatasetRecord?> FindAsync(string id, IDbContextFactory<DatasetDbContext> databases, CancellationToken cancellationToken)
    {
        if (!ArtifactId.TryParse(id, out _)) return null;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
    }

    private static IResult NotFound(string id) => Results.Problem(title: "No such data set", detail: $"Data set '{id}' is not known.", statusCode: 404);

    private static Guid CorrelationOf(HttpContext http) => CorrelationIdMiddleware.Get(http);

    private const string KindHelp = "One of idx, image-folder, plain-text, fortune, json-lines.";
}
