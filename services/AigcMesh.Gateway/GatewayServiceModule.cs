using AigcMesh.Gateway.Dashboard;
using AigcMesh.Gateway.OpenApi;
using AigcMesh.Gateway.RateLimiting;
using AigcMesh.Gateway.Routing;
using AigcMesh.Gateway.Security;
using AigcMesh.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AigcMesh.Gateway;

/// <summary>
/// The edge of the mesh: YARP routes every /api path to the service that owns it (routes and clusters from
/// the "ReverseProxy" configuration section, with the secure defaults of <see cref="GatewayRouteDefaults"/>),
/// and /services/{name}/health/* to that service's health. Every /api request needs an API key
/// (<see cref="ApiKeyAuthenticationHandler"/>), is rate limited per key and size limited per route. The gateway
/// serves one OpenAPI document of the whole API merged from the services' own (<see cref="UnifiedOpenApiDocument"/>)
/// with a reference page. It holds no state and no bus connection, so any number of copies can run side by side.
/// </summary>
public static class GatewayServiceModule
{
    public const string ServiceName = "gateway";

    public static IHostApplicationBuilder AddGatewayService(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
        // Traces are recorded only with an OTLP endpoint (see AddServiceDefaults). Without one, the trace headers YARP
        // would add to every forwarded request (an outgoing span, traceparent, its parsing upstream) reach no one.
        var tracing = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<GatewayRouteDefaults>()
            .ConfigureHttpClient((_, handler) =>
            {
                if (!tracing) handler.ActivityHeadersPropagator = null;
            });

        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            // No AddAuthenticationSchemes: ApiKey is the default scheme, so UseAuthentication has already set the
            // user; naming the scheme here would make the policy authenticate again and merge a second principal.
            .AddPolicy(ScopeAllowsMethodRequirement.PolicyName, p => p
                .RequireAuthenticatedUser()
                .AddRequirements(new ScopeAllowsMethodRequirement()));
        builder.Services.AddPerKeyRateLimiting();
        builder.Services.AddRequestTimeouts();
        builder.Services.AddUnifiedOpenApi();

        builder.Services.AddHttpClient(UpstreamHealthCheck.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "upstream-services",
            sp => ActivatorUtilities.CreateInstance<UpstreamHealthCheck>(sp),
            HealthStatus.Unhealthy,
            [HealthTags.Ready]));
        return builder;
    }

    /// <summary>The gateway's middleware (after <c>UseServiceDefaults</c>) and its endpoints.</summary>
    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (gateway.ApiKeys.Count == 0)
        {
            app.Logger.LogWarning("No API keys are configured (Gateway:ApiKeys:n:Hash and :Scope): every {Prefix} request will be refused with 401.", gateway.ApiPrefix);
        }
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.MapReverseProxy();
        app.MapAigcDashboard();
        app.MapUnifiedOpenApi();
        return app;
    }
}
