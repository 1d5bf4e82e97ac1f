using AigcMesh.Storage;
using AigcMesh.Trainer.Data;
using AigcMesh.Trainer.Leases;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Trainer.Api;

/// <summary>/api/models: the registry of trained models with their lineage (data set → run → model).</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("Models");
        models.MapGet("/", ListAsync).WithName("ListModels").WithSummary("Registered models, newest first.")
            .WithDescription("?family= and ?datasetId= filter.").Produces<List<ModelView>>();
        models.MapGet("/{id:guid}", GetAsync).WithName("GetModel").WithSummary("A model: lineage, config, final metrics, weights and checkpoint.")
            .Produces<ModelView>().ProducesProblem(StatusCodes.Status404NotFound);
        models.MapGet("/{id:guid}/weights", WeightsAsync).WithName("GetModelWeights").WithSummary("The model's weights file (TorchSharp format).")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ListAsync(IDbContextFactory<TrainerDbContext> dbFactory, RunLeases leases, string? family, string? datasetId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Models.AsNoTracking();
        if (!string.IsNullOrEmpty(family)) query = query.Where(m => m.Family == family);
        if (!string.IsNullOrEmpty(datasetId)) query = query.Where(m => m.DatasetId == datasetId);
        var rows = await query.ToListAsync(ct);
        return Results.Ok(rows.OrderByDescending(m => m.RegisteredAt).Select(m => ModelView.Of(m, leases.Folder(m.RunId).ReadCheckpoint())).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, IDbContextFactory<TrainerDbContext> dbFactory, RunLeases leases, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        return model is null ? NotFound(id) : Results.Ok(ModelView.Of(model, leases.Folder(model.RunId).ReadCheckpoint()));
    }

    private static async Task<IResult> WeightsAsync(Guid id, IDbContextFactory<TrainerDbContext> dbFactory, ArtifactStore store, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (model is null || !ArtifactId.TryParse(model.WeightsArtifactId, out var weights) || !store.Exists(weights)) return NotFound(id);
        return Results.Stream(store.OpenRead(weights), "application/octet-stream", $"{model.Family}-v{model.Version}-{model.Id:N}.weights");
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such model.", detail: $"There is no model {id}.");
}
