using MassTransit;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>
/// The pipeline endpoint ("pipeline-state"): messages a pipeline sends are held until its new state is saved
/// (in-memory outbox), and a save that lost an optimistic-concurrency race is retried after a short pause.
/// </summary>
public sealed class PipelineStateDefinition : SagaDefinition<PipelineState>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<PipelineState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 500, 1000, 2000));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
