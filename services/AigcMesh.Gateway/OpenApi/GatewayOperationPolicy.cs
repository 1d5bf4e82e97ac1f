using AigcMesh.Gateway.Security;
using Microsoft.OpenApi;

namespace AigcMesh.Gateway.OpenApi;

/// <summary>
/// What the gateway adds to every operation it fronts: the API-key security scheme, and the answers the gateway
/// itself may give before a service sees the request: 401 (no or unknown key), 429 (the key's rate limit, with
/// Retry-After), 503 (no healthy instance), and for methods that write, 403 (a read-only key) and 413 (a body past the
/// route's limit). A service's own description of one of these codes is kept.
/// </summary>
public static class GatewayOperationPolicy
{
    public const string SecuritySchemeName = "ApiKey";
    public const string ProblemSchemaName = "ProblemDetails";

    private static readonly HashSet<HttpMethod> ReadMethods = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Options];

    /// <summary>The gateway's answers: status code, component name, description, and whether only writing methods get it.</summary>
    private static readonly (string Status, string Name, string Description, bool WritesOnly)[] Answers =
    [
        ("401", "Unauthorized", "No API key, or an unknown one (`X-Api-Key` header or `Authorization: Bearer`).", false),
        ("403", "Forbidden", "The API key is read-only and the method writes.", true),
        ("413", "PayloadTooLarge", "The request body is larger than this route's limit.", true),
        ("429", "TooManyRequests", "The API key's rate limit is spent; retry after `Retry-After` seconds.", false),
        ("503", "ServiceUnavailable", "No healthy instance of the service is available.", false),
    ];

    public static void Apply(OpenApiDocument document)
    {
        var components = document.Components ??= new OpenApiComponents();
        components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key given by the operator (stored hashed in Gateway:ApiKeys). Read keys may GET; write keys may do everything. "
                + "`Authorization: Bearer <key>` is accepted too.",
        };
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        components.Schemas.TryAdd(ProblemSchemaName, ProblemDetailsSchema());
        components.Responses ??= new Dictionary<string, IOpenApiResponse>(StringComparer.Ordinal);
        foreach (var answer in Answers)
        {
            components.Responses[answer.Name] = Response(document, answer.Description, answer.Status == "429");
        }

        document.Security = [Requirement(document)];
        foreach (var item in document.Paths.Values)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.Security = [Requirement(document)];
                operation.Responses ??= [];
                foreach (var answer in Answers.Where(a => !a.WritesOnly || !ReadMethods.Contains(method)))
                {
                    operation.Responses.TryAdd(answer.Status, new OpenApiResponseReference(answer.Name, document));
                }
            }
        }
    }

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] };

    private static OpenApiResponse Response(OpenApiDocument document, string description, bool retryAfter)
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchemaName, document) },
            },
        };
        if (retryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds until the key's next window.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                },
            };
        }
        return response;
    }

    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details.",
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
        },
    };
}
