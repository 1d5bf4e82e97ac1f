using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace AigcMesh.Gateway.OpenApi;

/// <summary>
/// Merges the services' documents into one: each service contributes only the /api paths the gateway routes to it
/// (so a host that serves several services, like the embedded one, is not counted twice), its tags and its
/// components. Services whose document is missing are named in the description and in <c>x-aigcmesh-missing</c>.
/// Paths are written without a trailing slash (routing treats both the same).
/// </summary>
public static class OpenApiDocumentMerger
{
    public const string MissingExtension = "x-aigcmesh-missing";

    public static OpenApiDocument Merge(IReadOnlyList<UpstreamDocument> upstreams, ICollection<string> conflicts)
    {
        var merged = new OpenApiDocument
        {
            Info = new OpenApiInfo { Title = "AigcMesh API", Version = "v1" },
            Paths = [],
            Components = new OpenApiComponents { Schemas = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) },
            Tags = new HashSet<OpenApiTag>(),
        };
        var tagOwners = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var upstream in upstreams)
        {
            if (upstream.Document is not { } source) continue;
            foreach (var (path, item) in source.Paths.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var key = path.Length > 1 ? path.TrimEnd('/') : path;
                if (!upstream.Api.Routes(key) || item.Operations is null) continue;
                foreach (var operation in item.Operations.Values)
                {
                    var tags = operation.Tags?.Select(t => t.Reference.Id ?? t.Name).OfType<string>().ToList() ?? [];
                    foreach (var tag in tags) tagOwners.TryAdd(tag, upstream.Api.ClusterId);
                    operation.Tags = tags.Count == 0 ? null : new HashSet<OpenApiTagReference>(tags.Select(t => new OpenApiTagReference(t, merged)));
                }
                AddPath(merged.Paths, key, item, upstream.Api.ClusterId, conflicts);
            }
            MergeComponents(source.Components, merged.Components, upstream.Api.ClusterId, conflicts);
        }
        foreach (var (tag, owner) in tagOwners)
        {
            merged.Tags.Add(new OpenApiTag { Name = tag, Description = $"Served by the {owner} service." });
        }

        var missing = upstreams.Where(u => u.Document is null).ToList();
        merged.Info.Description = Describe(missing);
        if (missing.Count > 0)
        {
            var list = new JsonArray(missing.Select(m => (JsonNode)new JsonObject
            {
                ["service"] = m.Api.ClusterId,
                ["routes"] = new JsonArray(m.Api.RoutePatterns.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                ["reason"] = m.Failure,
            }).ToArray());
            merged.Extensions = new Dictionary<string, IOpenApiExtension> { [MissingExtension] = new JsonNodeExtension(list) };
        }
        return merged;
    }

    private static void AddPath(OpenApiPaths paths, string key, IOpenApiPathItem item, string cluster, ICollection<string> conflicts)
    {
        if (!paths.TryGetValue(key, out var existing))
        {
            paths[key] = item;
            return;
        }
        if (existing is not OpenApiPathItem target) return;
        target.Operations ??= [];
        foreach (var (method, operation) in item.Operations!)
        {
            if (!target.Operations.TryAdd(method, operation)) conflicts.Add($"{method} {key} is described twice (again by {cluster}); the first is kept.");
        }
    }

    private static void MergeComponents(OpenApiComponents? from, OpenApiComponents into, string cluster, ICollection<string> conflicts)
    {
        if (from is null) return;
        MergeMap(from.Schemas, into.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal), "schema", cluster, conflicts);
        if (from.Responses is { Count: > 0 }) MergeMap(from.Responses, into.Responses ??= new Dictionary<string, IOpenApiResponse>(StringComparer.Ordinal), "response", cluster, conflicts);
        if (from.Parameters is { Count: > 0 }) MergeMap(from.Parameters, into.Parameters ??= new Dictionary<string, IOpenApiParameter>(StringComparer.Ordinal), "parameter", cluster, conflicts);
        if (from.RequestBodies is { Count: > 0 }) MergeMap(from.RequestBodies, into.RequestBodies ??= new Dictionary<string, IOpenApiRequestBody>(StringComparer.Ordinal), "request body", cluster, conflicts);
        if (from.Headers is { Count: > 0 }) MergeMap(from.Headers, into.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal), "header", cluster, conflicts);
    }

    /// <summary>Adds each component once; the same name with a different definition is reported (the first one is kept).</summary>
    private static void MergeMap<T>(IDictionary<string, T>? from, IDictionary<string, T> into, string kind, string cluster, ICollection<string> conflicts)
        where T : IOpenApiSerializable
    {
        if (from is null) return;
        foreach (var (name, value) in from)
        {
            if (!into.TryGetValue(name, out var existing))
            {
                into[name] = value;
            }
            else if (JsonOf(existing) != JsonOf(value))
            {
                conflicts.Add($"The {kind} '{name}' of the {cluster} service differs from another service's; the first one is kept.");
            }
        }
    }

    /// <summary>An OpenAPI element as compact OpenAPI 3.1 JSON.</summary>
    public static string JsonOf(IOpenApiSerializable element)
    {
        using var text = new StringWriter();
        element.SerializeAsV31(new OpenApiJsonWriter(text, new OpenApiJsonWriterSettings { Terse = true }));
        return text.ToString();
    }

    private static string Describe(IReadOnlyList<UpstreamDocument> missing)
    {
        var text = "Every AigcMesh service behind one address. Every /api operation needs an API key in the `X-Api-Key` header "
            + "(or `Authorization: Bearer <key>`); a read-only key may only GET. Per-key rate limits answer 429 with `Retry-After`; "
            + "bodies past a route's limit answer 413. Errors are problem details (RFC 9457). Long operations answer 202 with a "
            + "`Location` to poll; live updates are Server-Sent Events.";
        if (missing.Count == 0) return text;
        return text + "\n\n**Incomplete:** " + string.Join(" ", missing.Select(m =>
            $"the {m.Api.ClusterId} service's operations ({string.Join(", ", m.Api.RoutePatterns)}) are missing: {m.Failure}."));
    }
}
