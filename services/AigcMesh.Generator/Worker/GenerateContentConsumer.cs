using AigcMesh.Contracts;
using AigcMesh.Contracts.Generation;
using AigcMesh.Generator.Inference;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Worker;

/// <summary>
/// The worker end of "generate-content": answers each request with its result or a <see cref="GenerationRejected"/>;
/// a streamed text request also sends its pieces to the requester's address as they come.
/// </summary>
public sealed class GenerateContentConsumer(GenerationWorker worker, ILogger<GenerateContentConsumer> logger) :
    IConsumer<GenerateImages>, IConsumer<ReconstructImages>, IConsumer<GenerateText>
{
    public Task Consume(ConsumeContext<GenerateImages> context) =>
        Answer(context, context.Message.Model.ModelId, () => worker.GenerateImagesAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<ReconstructImages> context) =>
        Answer(context, context.Message.Model.ModelId, () => worker.ReconstructAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<GenerateText> context)
    {
        var message = context.Message;
        Func<int, string, Task>? onPiece = null;
        if (message.StreamTokens && context.ResponseAddress is { } requester)
        {
            ISendEndpoint? endpoint = null;
            onPiece = async (index, text) =>
            {
                endpoint ??= await context.GetSendEndpoint(requester);
                await endpoint.Send(new GenerationTokenProduced(message.CorrelationId, message.GenerationId, index, text), context.CancellationToken);
            };
        }
        return Answer(context, message.Model.ModelId, () => worker.GenerateTextAsync(message, onPiece, context.CancellationToken));
    }

    private async Task Answer<TRequest, TResult>(ConsumeContext<TRequest> context, Guid modelId, Func<Task<TResult>> run)
        where TRequest : class, IPipelineMessage
        where TResult : class
    {
        var message = context.Message;
        var generationId = message switch
        {
            GenerateImages m => m.GenerationId,
            ReconstructImages m => m.GenerationId,
            GenerateText m => m.GenerationId,
            _ => Guid.Empty,
        };
        GenerationRejected Reject(GenerationRejectionKind kind, string reason, int retryAfter = 0)
        {
            GeneratorMetrics.Rejected.WithLabels(kind.ToString()).Inc();
            return new GenerationRejected(message.CorrelationId, generationId, modelId, kind, reason, retryAfter);
        }

        object reply;
        try
        {
            reply = await run();
        }
        catch (InvalidGenerationException e)
        {
            reply = Reject(GenerationRejectionKind.Invalid, e.Message);
        }
        catch (ModelUnusableException e)
        {
            reply = Reject(GenerationRejectionKind.ModelUnusable, e.Message);
        }
        catch (GeneratorBusyException e)
        {
            reply = Reject(GenerationRejectionKind.Busy, e.Message, e.RetryAfterSeconds);
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("Generation {GenerationId} stopped: its caller left", generationId);
            reply = Reject(GenerationRejectionKind.Cancelled, "The caller cancelled the generation.");
        }
        if (context.ResponseAddress is not null) await context.RespondAsync(reply);
    }
}

/// <summary>Endpoint settings of the worker queue: its name and how many requests wait in the batch queues at once.</summary>
public sealed class GenerateContentConsumerDefinition : ConsumerDefinition<GenerateContentConsumer>
{
    public GenerateContentConsumerDefinition(IOptions<GeneratorOptions> options)
    {
        EndpointName = options.Value.GenerateQueue;
        ConcurrentMessageLimit = options.Value.WorkerConcurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<GenerateContentConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = ConcurrentMessageLimit ?? 128;
    }
}
