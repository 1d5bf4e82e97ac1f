using AigcMesh.Contracts.Training;
using MassTransit;

namespace AigcMesh.Generator.Registry;

/// <summary>Keeps the generator's model table from ModelRegistered events (queue "generator-model-registered").</summary>
public sealed class ModelRegisteredConsumer(ModelRegistry registry, ILogger<ModelRegisteredConsumer> logger) : IConsumer<ModelRegistered>
{
    public async Task Consume(ConsumeContext<ModelRegistered> context)
    {
        await registry.RegisterAsync(context.Message, context.CancellationToken);
        logger.LogInformation("Model {ModelId} v{Version} ({Family}) registered for generation", context.Message.ModelId, context.Message.Version, context.Message.Family);
    }
}
