using AigcMesh.Contracts.Evaluation;
using AigcMesh.Contracts.Training;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Evaluations;
using AigcMesh.Evaluator.Registry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AigcMesh.Evaluator.Consumers;

/// <summary>ModelRegistered on "evaluator-model-registered": keeps the model table and, when enabled, asks for its evaluation.</summary>
public sealed class ModelRegisteredConsumer(ModelRegistry registry, EvaluationStore evaluations, IOptions<EvaluatorOptions> options) : IConsumer<ModelRegistered>
{
    public async Task Consume(ConsumeContext<ModelRegistered> context)
    {
        var message = context.Message;
        var isNew = await registry.RegisterAsync(message, context.CancellationToken);
        if (!isNew || !options.Value.AutoEvaluate) return;
        var evaluationId = NewId.NextGuid();
        await evaluations.CreateAsync(new EvaluationRecord
        {
            EvaluationId = evaluationId,
            CorrelationId = message.CorrelationId,
            ModelId = message.ModelId,
            DatasetId = message.DatasetId,
            RunId = message.RunId,
            Family = message.Family,
            Trigger = "auto",
            SampleCount = options.Value.DefaultSampleCount,
            CreatedAt = DateTimeOffset.UtcNow,
        }, context.CancellationToken);
        await context.Publish(new EvaluateModel(message.CorrelationId, evaluationId, message.ModelId, options.Value.DefaultSampleCount), context.CancellationToken);
    }
}

public sealed class ModelRegisteredConsumerDefinition : ConsumerDefinition<ModelRegisteredConsumer>
{
    public const string QueueName = "evaluator-model-registered";

    public ModelRegisteredConsumerDefinition() => EndpointName = QueueName;
}
