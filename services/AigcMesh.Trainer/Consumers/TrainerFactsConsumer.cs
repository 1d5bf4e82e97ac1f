using AigcMesh.Contracts.Training;
using AigcMesh.Trainer.Registry;
using AigcMesh.Trainer.Runs;
using MassTransit;

namespace AigcMesh.Trainer.Consumers;

/// <summary>
/// This instance's own subscription to every run fact (and to CancelTraining): keeps its run/model/sweep tables current
/// whichever trainer trains the run, feeds the SSE streams, and stops a run trained here when it is cancelled.
/// </summary>
public sealed class TrainerFactsConsumer(RunRegistry registry, RunHost runs) :
    IConsumer<StartTraining>,
    IConsumer<TrainingStarted>,
    IConsumer<TrainingProgressed>,
    IConsumer<TrainingCompleted>,
    IConsumer<TrainingFailed>,
    IConsumer<TrainingCancelled>,
    IConsumer<ModelRegistered>,
    IConsumer<TrainingSweepStarted>,
    IConsumer<CancelTraining>
{
    public Task Consume(ConsumeContext<StartTraining> context) => registry.ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<TrainingStarted> context) => registry.ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<TrainingProgressed> context) => registry.ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<TrainingCompleted> context) => registry.ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<TrainingFailed> context) => registry.ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<TrainingCancelled> context) => registry.ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<ModelRegistered> context) => registry.ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<TrainingSweepStarted> context) => registry.ApplyAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<CancelTraining> context)
    {
        runs.Cancel(context.Message.RunId, context.Message.Reason);
        return Task.CompletedTask;
    }
}

/// <summary>
/// One queue per trainer instance ("trainer-facts-{instance}"), consumed in order. Without a configured
/// Trainer:InstanceId the name changes with each process, so the queue is deleted when its instance goes.
/// </summary>
public sealed class TrainerFactsConsumerDefinition : ConsumerDefinition<TrainerFactsConsumer>
{
    private readonly bool _temporary;

    public TrainerFactsConsumerDefinition(TrainerOptions options)
    {
        var instance = new string(options.ResolveInstanceId().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        EndpointName = $"trainer-facts-{instance}";
        ConcurrentMessageLimit = 1;
        _temporary = string.IsNullOrWhiteSpace(options.InstanceId);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TrainerFactsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = 16;
        if (_temporary && endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.AutoDelete = true;
    }
}
