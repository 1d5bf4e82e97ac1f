using AigcMesh.Gateway.Dashboard;
using AigcMesh.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AigcMesh.Gateway;

/// <summary>
/// The edge of the mesh: YARP routes every /api path to the service that owns it (routes and clusters from
/// the "ReverseProxy" configuration section), and /services/{name}/health/* to that service's health.
/// The gateway holds no state and no bus connection, so any number of copies can run side by side.
/// </summary>
public static class GatewayServiceModule
{
    public const string ServiceName = "gateway";

    public static IHostApplicationBuilder AddGatewayService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.Services.AddHttpClient(UpstreamHealthCheck.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "upstream-services",
            sp => ActivatorUtilities.CreateInstance<UpstreamHealthCheck>(sp),
            HealthStatus.Unhealthy,
            [HealthTags.Ready]));
        return builder;
    }

    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy();
        app.MapAigcDashboard();
        return app;
    }
}
