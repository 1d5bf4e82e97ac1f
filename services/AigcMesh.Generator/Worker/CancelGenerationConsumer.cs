using AigcMesh.Contracts.Generation;
using MassTransit;

namespace AigcMesh.Generator.Worker;

/// <summary>Stops a generation this worker runs (each worker has its own temporary queue, so every worker hears it).</summary>
public sealed class CancelGenerationConsumer(InFlightGenerations inFlight, ILogger<CancelGenerationConsumer> logger) : IConsumer<CancelGeneration>
{
    public Task Consume(ConsumeContext<CancelGeneration> context)
    {
        if (inFlight.Cancel(context.Message.GenerationId))
            logger.LogInformation("Generation {GenerationId} cancelled: {Reason}", context.Message.GenerationId, context.Message.Reason);
        return Task.CompletedTask;
    }
}
