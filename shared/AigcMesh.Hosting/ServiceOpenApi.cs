using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace AigcMesh.Hosting;

/// <summary>
/// Each service's OpenAPI document (Microsoft.AspNetCore.OpenApi), served at <see cref="DocumentPath"/> without a key.
/// The gateway fetches these from its cluster destinations and merges their /api paths into the one public document.
/// </summary>
public static class ServiceOpenApi
{
    public const string DocumentName = "v1";

    /// <summary>Where every service serves its own document (the gateway's upstream fetch reads it there).</summary>
    public const string DocumentPath = "/openapi/{documentName}.json";

    public static string PathOf(string documentName = DocumentName) => DocumentPath.Replace("{documentName}", documentName, StringComparison.Ordinal);

    public static IServiceCollection AddServiceOpenApi(this IServiceCollection services, string serviceName) =>
        services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = $"AigcMesh {serviceName}",
                Version = "v1",
                Description = $"The {serviceName} service's own endpoints. The public, unified description is the gateway's /openapi/aigcmesh.json.",
            };
            return Task.CompletedTask;
        }));

    /// <summary>
    /// Describes a request body the handler reads itself (a multipart form, a raw upload) in the OpenAPI document
    /// only. Unlike <c>Accepts&lt;T&gt;</c>, it adds no content-type constraint to routing (which would answer 415).
    /// </summary>
    public static TBuilder DescribesRequestBody<TBuilder>(this TBuilder builder, Type type, params string[] contentTypes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            var body = operation.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody { Required = true };
            body.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
            foreach (var contentType in contentTypes) body.Content[contentType] = new OpenApiMediaType { Schema = schema };
            operation.RequestBody = body;
        });

    /// <summary>
    /// Describes a response whose body is one of several types for one media type (OpenAPI <c>oneOf</c>), which
    /// <c>Produces&lt;T&gt;</c> cannot say: a second <c>Produces</c> for the same status code replaces the first.
    /// </summary>
    public static TBuilder ProducesOneOf<TBuilder>(this TBuilder builder, int statusCode, string contentType, params Type[] types)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schemas = new List<IOpenApiSchema>();
            foreach (var type in types) schemas.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
            operation.Responses ??= [];
            var key = statusCode.ToString(CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var found) || found is not OpenApiResponse response)
            {
                response = new OpenApiResponse { Description = ReasonPhrases.GetReasonPhrase(statusCode) };
                operation.Responses[key] = response;
            }
            response.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
            response.Content[contentType] = new OpenApiMediaType { Schema = schemas.Count == 1 ? schemas[0] : new OpenApiSchema { OneOf = schemas } };
        });
}
