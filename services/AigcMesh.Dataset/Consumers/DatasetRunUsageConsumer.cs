using AigcMesh.Contracts.Training;
using AigcMesh.Dataset.Usage;
using MassTransit;

namespace AigcMesh.Dataset.Consumers;

/// <summary>
/// Follows the training facts on its own queue ("dataset-run-usage") so that a data set in use by a run cannot
/// be deleted. StartTraining is published by whoever starts a run, so this queue gets its own copy.
/// </summary>
public sealed class DatasetRunUsageConsumer(RunUsageTracker runs) :
    IConsumer<StartTraining>,
    IConsumer<TrainingStarted>,
    IConsumer<TrainingProgressed>,
    IConsumer<TrainingCompleted>,
    IConsumer<TrainingFailed>,
    IConsumer<TrainingCancelled>
{
    public Task Consume(ConsumeContext<StartTraining> context) =>
        runs.StartedAsync(context.Message.RunId, context.Message.DatasetId, context.CancellationToken);

    public Task Consume(ConsumeContext<TrainingStarted> context) => runs.SeenAsync(context.Message.RunId, context.CancellationToken);

    public Task Consume(ConsumeContext<TrainingProgressed> context) => runs.SeenAsync(context.Message.RunId, context.CancellationToken);

    public Task Consume(ConsumeContext<TrainingCompleted> context) =>
        runs.EndedAsync(context.Message.RunId, nameof(TrainingCompleted), context.CancellationToken);

    public Task Consume(ConsumeContext<TrainingFailed> context) =>
        runs.EndedAsync(context.Message.RunId, nameof(TrainingFailed), context.CancellationToken);

    public Task Consume(ConsumeContext<TrainingCancelled> context) =>
        runs.EndedAsync(context.Message.RunId, nameof(TrainingCancelled), context.CancellationToken);
}
