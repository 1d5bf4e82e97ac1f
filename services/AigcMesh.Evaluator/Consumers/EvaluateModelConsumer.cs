using AigcMesh.Contracts.Evaluation;
using AigcMesh.Evaluator.Evaluations;
using MassTransit;

namespace AigcMesh.Evaluator.Consumers;

/// <summary>EvaluateModel on "evaluate-model": evaluates the model and publishes EvaluationCompleted or EvaluationFailed.</summary>
public sealed class EvaluateModelConsumer(EvaluationService service) : IConsumer<EvaluateModel>
{
    public Task Consume(ConsumeContext<EvaluateModel> context) => service.HandleAsync(context.Message, context, context.CancellationToken);
}

public sealed class EvaluateModelConsumerDefinition : ConsumerDefinition<EvaluateModelConsumer>
{
    public const string QueueName = "evaluate-model";

    public EvaluateModelConsumerDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 1;
    }
}
