using AigcMesh.Gateway.RateLimiting;
using AigcMesh.Gateway.Security;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace AigcMesh.Gateway.Routing;

/// <summary>
/// Secure, bounded defaults for every route and cluster loaded from configuration, so a route added to the
/// "ReverseProxy" section cannot forget them: every /api route needs an API key, is rate limited per key, has a
/// body size limit and a request timeout unless it sets its own (uploads: larger; event streams: "Disable");
/// every cluster gets an activity timeout long enough for streams and uploads (YARP's default of 100 s would cut
/// a quiet event stream) and active health checks on /health/ready.
/// </summary>
public sealed class GatewayRouteDefaults(IOptionsMonitor<GatewayOptions> options) : IProxyConfigFilter
{
    public static readonly TimeSpan UpstreamActivityTimeout = TimeSpan.FromHours(1);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        var gateway = options.CurrentValue;
        var path = route.Match.Path ?? "";
        if (!path.StartsWith(gateway.ApiPrefix + "/", StringComparison.OrdinalIgnoreCase) && path != gateway.ApiPrefix)
        {
            return ValueTask.FromResult(route);
        }
        return ValueTask.FromResult(route with
        {
            AuthorizationPolicy = route.AuthorizationPolicy ?? ScopeAllowsMethodRequirement.PolicyName,
            RateLimiterPolicy = route.RateLimiterPolicy ?? PerKeyRateLimiting.PolicyName,
            MaxRequestBodySize = route.MaxRequestBodySize ?? gateway.MaxRequestBodyBytes,
            Timeout = route.Timeout is null && route.TimeoutPolicy is null ? gateway.RequestTimeout : route.Timeout,
        });
    }

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        var request = cluster.HttpRequest ?? new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig();
        var health = cluster.HealthCheck ?? new HealthCheckConfig();
        return ValueTask.FromResult(cluster with
        {
            HttpRequest = request with { ActivityTimeout = request.ActivityTimeout ?? UpstreamActivityTimeout },
            HealthCheck = health with
            {
                Active = health.Active ?? new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = TimeSpan.FromSeconds(10),
                    Timeout = TimeSpan.FromSeconds(5),
                    Policy = "ConsecutiveFailures",
                    Path = "/health/ready",
                },
            },
        });
    }
}
