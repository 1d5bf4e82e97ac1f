using AigcMesh.Contracts.Generation;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Api;

/// <summary>What a worker answered: its result, or a refusal (a timeout counts as Busy).</summary>
public sealed record GenerationOutcome<T>(T? Result, GenerationRejected? Rejected)
    where T : class;

/// <summary>
/// Sends generation requests to the workers on "generate-content" (MassTransit request client) and, when the caller
/// leaves first, publishes <see cref="CancelGeneration"/> so the worker stops.
/// </summary>
public sealed class GenerationClient(IClientFactory clients, IBus publish, IOptions<GeneratorOptions> options, ILogger<GenerationClient> logger)
{
    private readonly Uri queue = new($"queue:{options.Value.GenerateQueue}");
    private readonly RequestTimeout timeout = RequestTimeout.After(s: options.Value.RequestTimeoutSeconds);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object> requestClients = new(); // request clients are reusable and thread-safe

    public Task<GenerationOutcome<ImagesGenerated>> GenerateAsync(GenerateImages request, CancellationToken cancellationToken) =>
        SendAsync<GenerateImages, ImagesGenerated>(request, request.CorrelationId, request.GenerationId, request.Model.ModelId, cancellationToken);

    public Task<GenerationOutcome<ImagesGenerated>> ReconstructAsync(ReconstructImages request, CancellationToken cancellationToken) =>
        SendAsync<ReconstructImages, ImagesGenerated>(request, request.CorrelationId, request.GenerationId, request.Model.ModelId, cancellationToken);

    public Task<GenerationOutcome<TextGenerated>> GenerateAsync(GenerateText request, CancellationToken cancellationToken) =>
        SendAsync<GenerateText, TextGenerated>(request, request.CorrelationId, request.GenerationId, request.Model.ModelId, cancellationToken);

    private async Task<GenerationOutcome<TResult>> SendAsync<TRequest, TResult>(TRequest request, Guid correlationId, Guid generationId, Guid modelId, CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class
    {
        var client = (IRequestClient<TRequest>)requestClients.GetOrAdd(typeof(TRequest), _ => clients.CreateRequestClient<TRequest>(queue, timeout));
        try
        {
            var response = await client.GetResponse<TResult, GenerationRejected>(request, cancellationToken);
            if (response.Is(out Response<TResult>? ok)) return new(ok.Message, null);
            response.Is(out Response<GenerationRejected>? rejected);
            return new(null, rejected!.Message);
        }
        catch (RequestTimeoutException)
        {
            await CancelAsync(correlationId, generationId, "the request timed out");
            return new(null, new GenerationRejected(correlationId, generationId, modelId, GenerationRejectionKind.Busy,
                $"No generator answered within {options.Value.RequestTimeoutSeconds} s (Generator:RequestTimeoutSeconds).", 5));
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RequestCanceledException)
        {
            await CancelAsync(correlationId, generationId, "the caller disconnected");
            throw new OperationCanceledException("The caller disconnected.", e, cancellationToken);
        }
    }

    public async Task CancelAsync(Guid correlationId, Guid generationId, string reason)
    {
        try
        {
            using var timeoutSource = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await publish.Publish(new CancelGeneration(correlationId, generationId, reason), timeoutSource.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not publish the cancellation of generation {GenerationId}", generationId);
        }
    }
}
