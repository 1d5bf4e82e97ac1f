using MassTransit;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Registry;

/// <summary>The instance's own subscription to ModelRegistered ("generator-model-registered", suffixed per instance when named).</summary>
public sealed class ModelRegisteredConsumerDefinition : ConsumerDefinition<ModelRegisteredConsumer>
{
    public ModelRegisteredConsumerDefinition(IOptions<GeneratorOptions> options)
    {
        var o = options.Value;
        EndpointName = string.IsNullOrWhiteSpace(o.InstanceName) ? o.ModelRegisteredQueue : $"{o.ModelRegisteredQueue}-{o.InstanceName}";
    }
}
