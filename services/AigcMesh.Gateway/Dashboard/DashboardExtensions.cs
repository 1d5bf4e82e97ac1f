using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace AigcMesh.Gateway.Dashboard;

/// <summary>
/// The dashboard: static HTML/JS/CSS (wwwroot, embedded in this assembly so the gateway serves it however it is
/// hosted, embedded host included) at /dashboard/. The page holds no secret: it asks for an API key and sends it
/// on every /api call, so the files themselves are served without one.
/// </summary>
public static class DashboardExtensions
{
    public const string Path = "/dashboard";
    private const string ResourcePrefix = "dashboard/";
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IEndpointRouteBuilder MapAigcDashboard(this IEndpointRouteBuilder app)
    {
        var assembly = typeof(DashboardExtensions).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(n => n[ResourcePrefix.Length..], StringComparer.Ordinal);
        var build = assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];

        app.MapGet($"{Path}/{{**file}}", (string? file, HttpContext context) =>
            {
                if (string.IsNullOrEmpty(file) && context.Request.Path.Value?.EndsWith('/') != true) return Results.Redirect($"{Path}/");
                var name = string.IsNullOrEmpty(file) ? "index.html" : file;
                if (!files.TryGetValue(name, out var resource)) return Results.NotFound();
                context.Response.Headers.CacheControl = "no-cache";
                if (!ContentTypes.TryGetContentType(name, out var contentType)) contentType = "application/octet-stream";
                return Results.Stream(assembly.GetManifestResourceStream(resource)!, contentType, entityTag: new EntityTagHeaderValue($"\"{build}\""));
            })
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }
}
