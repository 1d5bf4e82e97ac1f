using AigcMesh.Contracts;
using MassTransit;

namespace AigcMesh.Hosting;

/// <summary>Puts the message's correlation id on every log line written while the message is consumed.</summary>
public sealed class CorrelationLogContextFilter<T> : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var correlationId = context.Message is IPipelineMessage message ? message.CorrelationId : context.CorrelationId;
        using (Serilog.Context.LogContext.PushProperty(CorrelationIdMiddleware.LogProperty, correlationId?.ToString()))
        {
            await next.Send(context);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("correlation-log-context");
}
