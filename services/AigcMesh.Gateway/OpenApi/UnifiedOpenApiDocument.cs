using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AigcMesh.Gateway.OpenApi;

/// <summary>The merged document as served: its JSON, when it was made, and what is missing from it.</summary>
public sealed record UnifiedOpenApiSnapshot(string Json, DateTimeOffset MadeAt, IReadOnlyList<string> MissingServices, IReadOnlyList<string> Conflicts);

/// <summary>
/// Makes the unified document (fetch every routed service's document, merge, add the gateway's policy, write as
/// OpenAPI 3.1 JSON) and keeps it for a short while; one caller at a time rebuilds it.
/// </summary>
public sealed class UnifiedOpenApiDocument(
    UpstreamApiCatalog catalog, UpstreamDocumentFetcher fetcher, IOptionsMonitor<GatewayOptions> options, TimeProvider clock,
    ILogger<UnifiedOpenApiDocument> logger)
{
    private readonly SemaphoreSlim building = new(1, 1);
    private UnifiedOpenApiSnapshot? cached;
    private DateTimeOffset expires;

    public async Task<UnifiedOpenApiSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (cached is { } fresh && clock.GetUtcNow() < expires) return fresh;
        await building.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } built && clock.GetUtcNow() < expires) return built;
            var snapshot = await BuildAsync(cancellationToken);
            var settings = options.CurrentValue.OpenApi;
            expires = snapshot.MadeAt + (snapshot.MissingServices.Count == 0 ? settings.CacheDuration : settings.IncompleteCacheDuration);
            cached = snapshot;
            return snapshot;
        }
        finally
        {
            building.Release();
        }
    }

    private async Task<UnifiedOpenApiSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        var apis = catalog.List();
        var upstreams = await Task.WhenAll(apis.Select(api => fetcher.FetchAsync(api, cancellationToken)));
        var conflicts = new List<string>();
        var document = OpenApiDocumentMerger.Merge(upstreams, conflicts);
        document.Servers = [new OpenApiServer { Url = "/", Description = "This gateway" }];
        GatewayOperationPolicy.Apply(document);
        foreach (var conflict in conflicts) logger.LogWarning("Unified OpenAPI document: {Conflict}", conflict);

        using var text = new StringWriter();
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return new UnifiedOpenApiSnapshot(text.ToString(), clock.GetUtcNow(),
            upstreams.Where(u => u.Document is null).Select(u => u.Api.ClusterId).ToList(), conflicts);
    }
}
