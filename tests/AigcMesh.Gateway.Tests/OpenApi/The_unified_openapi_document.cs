using System.Net;
using AigcMesh.Gateway.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Configuration;
using Microsoft.OpenApi;
using Xunit.Abstractions;

namespace AigcMesh.Gateway.Tests.OpenApi;

[Collection(GatewayMeshCollection.Name)]
public sealed class The_unified_openapi_document(GatewayMesh mesh, ITestOutputHelper output)
{
    private const string DocumentPath = "/openapi/aigcmesh.json";
    private static readonly HashSet<HttpMethod> ReadMethods = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Options];

    [Fact]
    public async Task Is_served_without_a_key_and_reads_without_errors()
    {
        var (document, json) = await FetchAsync();
        Assert.StartsWith("3.1", document.Info is null ? "" : ReadVersion(json));
        Assert.Equal("AigcMesh API", document.Info!.Title);
        Assert.False(document.Extensions?.ContainsKey(OpenApiDocumentMerger.MissingExtension) ?? false, "every service is up, so nothing is missing");
        output.WriteLine($"{Operations(document).Count()} operations on {document.Paths.Count} paths, {document.Components?.Schemas?.Count} schemas");
    }

    [Fact]
    public async Task Describes_every_api_route_the_gateway_routes_and_nothing_else()
    {
        var (document, _) = await FetchAsync();
        var routes = GatewayApiRoutes();
        Assert.NotEmpty(routes);
        foreach (var (name, pattern) in routes)
        {
            var matcher = new TemplateMatcher(TemplateParser.Parse(pattern), new RouteValueDictionary());
            Assert.True(document.Paths.Keys.Any(p => matcher.TryMatch(p, new RouteValueDictionary())),
                $"route '{name}' ({pattern}) has no operation in the document");
        }
        var matchers = routes.Select(r => new TemplateMatcher(TemplateParser.Parse(r.Pattern), new RouteValueDictionary())).ToList();
        foreach (var path in document.Paths.Keys)
        {
            Assert.StartsWith("/api/", path);
            Assert.True(matchers.Any(m => m.TryMatch(path, new RouteValueDictionary())), $"{path} is in the document but no gateway route sends it anywhere");
        }
    }

    [Fact]
    public async Task Gives_every_operation_a_summary_a_success_schema_its_error_codes_and_the_api_key()
    {
        var (document, _) = await FetchAsync();
        Assert.Contains(GatewayOperationPolicy.SecuritySchemeName, document.Components!.SecuritySchemes!.Keys);
        Assert.Equal("X-Api-Key", document.Components.SecuritySchemes[GatewayOperationPolicy.SecuritySchemeName].Name);
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var name = $"{method} {path}";
            if (string.IsNullOrWhiteSpace(operation.Summary)) problems.Add($"{name}: no summary");
            if (string.IsNullOrWhiteSpace(operation.OperationId)) problems.Add($"{name}: no operationId");
            if (operation.Tags is not { Count: > 0 }) problems.Add($"{name}: no tag");
            var responses = operation.Responses ?? [];
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (success.Count == 0) problems.Add($"{name}: no 2xx response");
            foreach (var (status, response) in success.Where(s => s.Key != "204"))
            {
                if (response.Content is not { Count: > 0 } content || content.Values.Any(m => m.Schema is null))
                    problems.Add($"{name}: {status} has no body schema");
            }
            var expected = new List<string> { "401", "429" };
            if (!ReadMethods.Contains(method)) expected.AddRange(["403", "413"]);
            if (operation.RequestBody is not null) expected.Add("400");
            foreach (var status in expected.Where(s => !responses.ContainsKey(s))) problems.Add($"{name}: no {status} response");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                if (response.Content?.ContainsKey("application/problem+json") != true) problems.Add($"{name}: {status} is not problem details");
            }
            if (operation.Security?.Any(s => s.Keys.Any(k => k.Reference.Id == GatewayOperationPolicy.SecuritySchemeName)) != true)
                problems.Add($"{name}: no API-key security requirement");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var retryAfter = document.Components.Responses!["TooManyRequests"].Headers!;
        Assert.Contains("Retry-After", retryAfter.Keys);
    }

    [Fact]
    public async Task Passes_the_redocly_linter()
    {
        var (_, json) = await FetchAsync();
        using var folder = new AigcMesh.Testing.TempDirectory();
        var file = Path.Combine(folder.Path, "aigcmesh.json");
        await File.WriteAllTextAsync(file, json);

        var lint = await RedoclyLint.RunAsync(file, TimeSpan.FromMinutes(5));
        output.WriteLine($"npx {lint.Package} lint: exit {lint.ExitCode} in {lint.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(lint.Output);
        Assert.True(lint.ExitCode == 0, $"redocly lint reported errors:\n{lint.Output}");
    }

    [Fact]
    public async Task The_lint_fails_a_document_with_errors()
    {
        using var folder = new AigcMesh.Testing.TempDirectory();
        var file = Path.Combine(folder.Path, "broken.json");
        // No summary and no security: errors in the recommended ruleset.
        await File.WriteAllTextAsync(file, """
            {"openapi":"3.1.0","info":{"title":"broken","version":"1"},"servers":[{"url":"/"}],
             "paths":{"/api/x":{"get":{"operationId":"x","responses":{"200":{"description":"ok"}}}}}}
            """);
        var lint = await RedoclyLint.RunAsync(file, TimeSpan.FromMinutes(5));
        output.WriteLine($"npx {lint.Package} lint: exit {lint.ExitCode} in {lint.Elapsed.TotalSeconds:0.0} s");
        Assert.True(lint.ExitCode != 0, $"the linter accepted a document without summary or security:\n{lint.Output}");
    }

    [Fact]
    public async Task Has_a_reference_page_that_loads_the_document()
    {
        using var http = mesh.Client();
        using var page = await http.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        // Scalar resolves the document's URL against the application's base path: /openapi/aigcmesh.json.
        Assert.Contains($"\"url\":\"{DocumentPath.TrimStart('/')}\"", await page.Content.ReadAsStringAsync());
        using var script = await http.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private async Task<(OpenApiDocument Document, string Json)> FetchAsync()
    {
        using var http = mesh.Client();
        using var response = await http.GetAsync(DocumentPath);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json);
        var read = OpenApiDocument.Parse(json, "json");
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0, string.Join("\n", read.Diagnostic?.Errors.Select(e => e.ToString()) ?? []));
        return (read.Document!, json);
    }

    private static string ReadVersion(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("openapi").GetString() ?? "";

    private static IEnumerable<(string Path, HttpMethod Method, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => (p.Key, o.Key, o.Value)));

    /// <summary>The gateway's /api routes, as its ReverseProxy configuration (appsettings.json) declares them.</summary>
    private static List<(string Name, string Pattern)> GatewayApiRoutes()
    {
        var settings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "settings", "AigcMesh.Gateway.json"))
            .Build();
        return settings.GetSection("ReverseProxy:Routes").GetChildren()
            .Select(r => (r.Key, Pattern: r["Match:Path"] ?? ""))
            .Where(r => UpstreamApiCatalog.IsApiPath(r.Pattern, "/api"))
            .ToList();
    }
}
