using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace AigcMesh.Gateway.OpenApi;

/// <summary>
/// The one OpenAPI description of the whole API (every service's /api operations, merged by the gateway) and its
/// browsable reference page (Scalar), both public like health: the document describes the API, it grants nothing.
/// </summary>
public static class UnifiedOpenApiExtensions
{
    public const string DocumentName = "aigcmesh";

    public static IServiceCollection AddUnifiedOpenApi(this IServiceCollection services)
    {
        services.AddHttpClient(UpstreamDocumentFetcher.HttpClientName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UpstreamApiCatalog>();
        services.AddSingleton<UpstreamDocumentFetcher>();
        services.AddSingleton<UnifiedOpenApiDocument>();
        return services;
    }

    public static IEndpointRouteBuilder MapUnifiedOpenApi(this IEndpointRouteBuilder app)
    {
        var settings = app.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.OpenApi;
        app.MapGet(settings.DocumentPath, async (UnifiedOpenApiDocument unified, HttpContext http, CancellationToken cancellationToken) =>
            {
                var snapshot = await unified.GetAsync(cancellationToken);
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Text(snapshot.Json, "application/json; charset=utf-8");
            })
            .ExcludeFromDescription()
            .AllowAnonymous();
        app.MapScalarApiReference(settings.ReferencePath, options => options
                .WithTitle("AigcMesh API")
                .AddDocument(DocumentName, "AigcMesh API", settings.DocumentPath)
                .AddPreferredSecuritySchemes(GatewayOperationPolicy.SecuritySchemeName))
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }
}
