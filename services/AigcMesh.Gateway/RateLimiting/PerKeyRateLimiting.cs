using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using AigcMesh.Gateway.Security;
using Prometheus;

namespace AigcMesh.Gateway.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter with one fixed window per API key (the authenticated principal's name). A request
/// past the limit gets 429 (the limiter's default would be 503) with Retry-After and a problem-details body.
/// </summary>
public static class PerKeyRateLimiting
{
    public const string PolicyName = "per-key";

    private static readonly Counter Rejected = Metrics.CreateCounter(
        "aigcmesh_gateway_rate_limited_total", "Requests refused with 429 because their API key was over its rate limit.", "key");

    public static IServiceCollection AddPerKeyRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PolicyName, http =>
            {
                // The authenticated key carries its partition, made once per key (see ApiKeyStore): no lookup and
                // nothing allocated per request. Routes with this policy also require a key, so the fallback is rare.
                if (http.Features.Get<AuthenticatedApiKey>() is { } key) return key.RateLimitPartition;
                var gateway = http.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue;
                return RateLimitPartition.GetFixedWindowLimiter($"/{gateway.RateLimit.PermitsPerWindow}/{gateway.RateLimit.Window.Ticks}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, gateway.RateLimit.PermitsPerWindow),
                    Window = gateway.RateLimit.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var window = http.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.RateLimit.Window;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                Rejected.WithLabels(http.User.Identity?.Name ?? "").Inc();
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This API key is over its rate limit; retry after {seconds} s.",
                    },
                });
            };
        });
        return services;
    }
}
