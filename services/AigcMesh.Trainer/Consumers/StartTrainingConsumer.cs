using AigcMesh.Contracts.Training;
using AigcMesh.Trainer.Leases;
using AigcMesh.Trainer.Runs;
using MassTransit;

namespace AigcMesh.Trainer.Consumers;

/// <summary>
/// Takes a run off the shared "start-training" queue (trainers are competing consumers): waits a bounded time for a
/// free run slot (else puts the run back on the queue for another trainer), claims the run's lease and starts it.
/// The message is acknowledged as soon as the run has started, never held for the run's hours.
/// </summary>
public sealed class StartTrainingConsumer(RunHost runs, RunLeases leases, TrainerOptions options, TimeProvider clock, ILogger<StartTrainingConsumer> log)
    : IConsumer<StartTraining>
{
    public async Task Consume(ConsumeContext<StartTraining> context)
    {
        var command = context.Message;
        if (!await runs.WaitForSlotAsync(TimeSpan.FromSeconds(options.SlotWaitSeconds), context.CancellationToken))
        {
            log.LogInformation("No free run slot for run {RunId}; back to the queue for another trainer", command.RunId);
            await RunHost.SendToQueueAsync(context, command);
            return;
        }
        var started = false;
        try
        {
            var folder = leases.Folder(command.RunId);
            folder.WriteStart(command);
            var claim = leases.TryClaim(command.RunId, clock.GetUtcNow());
            if (claim.Status != ClaimStatus.Claimed)
            {
                log.LogInformation("Run {RunId} not started here: {Status} ({Detail})", command.RunId, claim.Status, claim.Detail);
                return;
            }
            var lease = claim.Lease!;
            if (folder.ReadCancel() is { } cancel)
            {
                var step = folder.ReadCheckpoint()?.Step ?? 0;
                await context.Publish(new TrainingCancelled(command.CorrelationId, command.RunId, step, cancel.Reason));
                lease.Finish(new RunOutcome("cancelled", step, cancel.Reason, clock.GetUtcNow()));
                return;
            }
            log.LogInformation("Run {RunId} claimed (lease generation {Generation})", command.RunId, lease.Generation);
            runs.Start(command, lease);
            started = true;
        }
        finally
        {
            if (!started) runs.ReleaseSlot();
        }
    }
}

/// <summary>The shared queue, with as many deliveries in flight as this trainer has run slots.</summary>
public sealed class StartTrainingConsumerDefinition : ConsumerDefinition<StartTrainingConsumer>
{
    private readonly int _slots;

    public StartTrainingConsumerDefinition(TrainerOptions options)
    {
        _slots = Math.Max(1, options.MaxConcurrentRuns);
        EndpointName = RunHost.QueueName;
        ConcurrentMessageLimit = _slots;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<StartTrainingConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _slots;
    }
}
