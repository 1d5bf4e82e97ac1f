using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace AigcMesh.Gateway.OpenApi;

/// <summary>One upstream service as the gateway routes it: its cluster, its /api route patterns and where its instances are.</summary>
public sealed record UpstreamApi(string ClusterId, IReadOnlyList<string> RoutePatterns, IReadOnlyList<string> DestinationAddresses)
{
    private readonly IReadOnlyList<TemplateMatcher> matchers =
        RoutePatterns.Select(p => new TemplateMatcher(TemplateParser.Parse(p), new RouteValueDictionary())).ToList();

    /// <summary>Whether a document path (e.g. /api/runs/{id}) is one this cluster's routes send to it.</summary>
    public bool Routes(string documentPath) => matchers.Any(m => m.TryMatch(documentPath, new RouteValueDictionary()));
}

/// <summary>
/// Reads the live YARP configuration (routes and clusters loaded from the "ReverseProxy" section) and lists, per
/// cluster, the /api route patterns and the destination addresses, healthy ones first.
/// </summary>
public sealed class UpstreamApiCatalog(IProxyStateLookup proxy, IOptionsMonitor<GatewayOptions> options)
{
    public IReadOnlyList<UpstreamApi> List()
    {
        var prefix = options.CurrentValue.ApiPrefix;
        var routes = proxy.GetRoutes()
            .Select(r => r.Config)
            .Where(r => r.ClusterId is not null && r.Match.Path is { } path && IsApiPath(path, prefix))
            .GroupBy(r => r.ClusterId!, StringComparer.OrdinalIgnoreCase);
        var apis = new List<UpstreamApi>();
        foreach (var group in routes.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (!proxy.TryGetCluster(group.Key, out var cluster)) continue;
            var available = cluster.DestinationsState?.AvailableDestinations ?? [];
            var addresses = available.Concat(cluster.Destinations.Values.Except(available))
                .Select(d => d.Model.Config.Address)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
            apis.Add(new UpstreamApi(group.Key, group.Select(r => r.Match.Path!).Order(StringComparer.Ordinal).ToList(), addresses));
        }
        return apis;
    }

    public static bool IsApiPath(string path, string prefix) =>
        path.Equals(prefix, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);
}
