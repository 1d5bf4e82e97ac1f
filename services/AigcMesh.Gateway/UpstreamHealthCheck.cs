using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace AigcMesh.Gateway;

/// <summary>The gateway is ready when every cluster has at least one destination whose /health/ready answers 200.</summary>
public sealed class UpstreamHealthCheck(IProxyStateLookup proxyState, IHttpClientFactory httpClients) : IHealthCheck
{
    public const string HttpClientName = "upstream-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var notReady = new List<string>();
        foreach (var cluster in proxyState.GetClusters())
        {
            var anyReady = false;
            foreach (var destination in cluster.Destinations.Values)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(new Uri(destination.Model.Config.Address), "/health/ready"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        anyReady = true;
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not reachable: try the next destination.
                }
            }
            if (!anyReady) notReady.Add(cluster.ClusterId);
        }
        return notReady.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"Not ready: {string.Join(", ", notReady)}.");
    }
}
