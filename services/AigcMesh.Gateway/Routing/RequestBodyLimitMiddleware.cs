using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace AigcMesh.Gateway.Routing;

/// <summary>
/// Applies the matched route's body limit (Kestrel's own default is 30 MB for everything): a declared
/// Content-Length past it is refused with 413 and problem details before anything is forwarded, and a chunked
/// body is cut by the server at the same limit.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.MaxRequestBodySize;
        if (limit is > 0)
        {
            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Title = "Request body too large",
                        Detail = $"This route accepts at most {limit} bytes; the request declared {context.Request.ContentLength}.",
                    },
                });
                return;
            }
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
        }
        await next(context);
    }
}
