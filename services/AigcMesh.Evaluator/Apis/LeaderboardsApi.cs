using AigcMesh.Evaluator.Evaluations;

namespace AigcMesh.Evaluator.Apis;

/// <summary>/api/leaderboards/{datasetId}?sort=metric&amp;order=asc|desc: every evaluated model of a data set, ranked.</summary>
public static class LeaderboardsApi
{
    public static IEndpointRouteBuilder MapLeaderboardsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/leaderboards/{datasetId}", GetAsync).WithTags("Leaderboards").WithName("GetLeaderboard")
            .WithSummary("Every model of the data set with its latest metrics, the run and data set that made it; sortable.")
            .WithDescription("?sort= a metric name, ?order= asc or desc.")
            .Produces<Leaderboard>().ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> GetAsync(string datasetId, string? sort, string? order, EvaluationStore evaluations, CancellationToken cancellationToken)
    {
        if (order is not null && order is not ("asc" or "desc"))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["order"] = ["order must be asc or desc."] });
        return Results.Ok(await evaluations.LeaderboardAsync(datasetId, sort, order, cancellationToken));
    }
}
