using AigcMesh.Contracts.Generation;
using AigcMesh.Generator.Inference;
using AigcMesh.Models.Configuration;
using AigcMesh.Models.Inference;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Worker;

/// <summary>
/// The worker's domain logic, without the bus: finds the model's runner, queues the request for its inference
/// thread and turns the result into PNGs or text. Cancelled when the caller's CancelGeneration arrives.
/// </summary>
public sealed class GenerationWorker(ModelCache cache, InFlightGenerations inFlight, IOptions<GeneratorOptions> options)
{
    public string WorkerId { get; } = options.Value.WorkerId;

    public async Task<ImagesGenerated> GenerateImagesAsync(GenerateImages request, CancellationToken cancellationToken)
    {
        using var lease = inFlight.Start(request.GenerationId, cancellationToken);
        var work = new ImageWork(request.Count, request.Seed, request.ClassLabel, request.InterpolateToSeed, lease.Token);
        cache.Get(request.Model).Enqueue(work);
        var result = await work.Completion.Task.WaitAsync(lease.Token);
        return ToMessage(request.CorrelationId, request.GenerationId, request.Model.ModelId, result);
    }

    public async Task<ImagesGenerated> ReconstructAsync(ReconstructImages request, CancellationToken cancellationToken)
    {
        using var lease = inFlight.Start(request.GenerationId, cancellationToken);
        var channels = request.Count > 0 ? request.Pixels.Length / request.Count : 0;
        var runner = cache.Get(request.Model);
        var shape = ImageShapeOf(request.Model);
        if (shape.Channels * shape.Height * shape.Width != channels)
            throw new InvalidGenerationException($"pixels: expected {request.Count} images of {shape.Channels}x{shape.Height}x{shape.Width}.");
        var work = new ReconstructWork(ImageBatch.FromBytes(request.Count, shape.Channels, shape.Height, shape.Width, request.Pixels), lease.Token);
        runner.Enqueue(work);
        var result = await work.Completion.Task.WaitAsync(lease.Token);
        return ToMessage(request.CorrelationId, request.GenerationId, request.Model.ModelId, result);
    }

    /// <summary>Samples text; every piece is handed to <paramref name="onPiece"/> (in order) as it is produced.</summary>
    public async Task<TextGenerated> GenerateTextAsync(GenerateText request, Func<int, string, Task>? onPiece, CancellationToken cancellationToken)
    {
        using var lease = inFlight.Start(request.GenerationId, cancellationToken);
        var work = new TextWork(request.Options, lease.Token);
        cache.Get(request.Model).Enqueue(work);
        var pieces = 0;
        await foreach (var piece in work.Pieces.ReadAllAsync(CancellationToken.None))
        {
            if (onPiece is not null && !lease.Token.IsCancellationRequested) await onPiece(pieces, piece);
            pieces++;
        }
        var result = await work.Completion.Task;
        if (result.FinishReason == "cancelled") throw new OperationCanceledException(lease.Token);
        return new TextGenerated(request.CorrelationId, request.GenerationId, request.Model.ModelId, result.Text, result.TokenCount, pieces,
            result.FinishReason, result.ModelMilliseconds, WorkerId);
    }

    /// <summary>The image shape a model config names (the keys the data set's shape writes).</summary>
    public static (int Channels, int Height, int Width, int ClassCount, bool Conditional) ImageShapeOf(GeneratorModel model)
    {
        int Read(string key, int fallback) => int.TryParse(model.Config.GetValueOrDefault(key), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
        return (Read(DataShapeKeys.ImageChannels, 1), Read(DataShapeKeys.ImageHeight, 28), Read(DataShapeKeys.ImageWidth, 28), Read(DataShapeKeys.ClassCount, 0),
            string.Equals(model.Config.GetValueOrDefault("conditional"), "true", StringComparison.OrdinalIgnoreCase));
    }

    private ImagesGenerated ToMessage(Guid correlationId, Guid generationId, Guid modelId, ImageResult result)
    {
        var pngs = PngCodec.EncodeAll(result.Images);
        // A grid of one image is that image: skip the second encoding (and half the payload) on the hot path.
        var grid = pngs.Count == 1 ? pngs[0] : result.Images.ToPngGrid();
        return new ImagesGenerated(correlationId, generationId, modelId, pngs, grid, result.ModelMilliseconds, result.BatchRequests, WorkerId);
    }
}
