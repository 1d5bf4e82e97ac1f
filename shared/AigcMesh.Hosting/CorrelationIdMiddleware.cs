using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Serilog.Context;

namespace AigcMesh.Hosting;

/// <summary>
/// Takes the caller's X-Correlation-Id (or makes one), returns it on the response, and puts it on every
/// log line of the request and on the current trace.
/// </summary>
public sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Correlation-Id";
    public const string LogProperty = "CorrelationId";

    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = Parse(context.Request.Headers[Header].ToString()) ?? Guid.NewGuid();
        context.Items[LogProperty] = correlationId;
        context.Request.Headers[Header] = correlationId.ToString();
        // Set when the response starts, replacing any copy a proxied upstream answered with (the gateway), so the
        // caller always gets exactly one.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = correlationId.ToString();
            return Task.CompletedTask;
        });
        Activity.Current?.SetTag("correlation.id", correlationId.ToString());
        using (LogContext.PushProperty(LogProperty, correlationId.ToString()))
        {
            await next(context);
        }
    }

    /// <summary>The correlation id of the current request.</summary>
    public static Guid Get(HttpContext context) =>
        context.Items.TryGetValue(LogProperty, out var value) && value is Guid id ? id : Guid.NewGuid();

    private static Guid? Parse(string value) => Guid.TryParse(value, out var id) ? id : null;
}
