using System.Threading.Channels;
using AigcMesh.Contracts.Generation;
using AigcMesh.Generator.Inference;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Api;

/// <summary>A large request accepted as a job (202): it runs in the background and its results go to the artifact store.</summary>
public sealed record GenerationJob(Guid CorrelationId, Guid GenerationId, GeneratorModel Model, GenerationRequest Request);

/// <summary>
/// Runs accepted jobs (a few at a time): image jobs are split into requests of at most Generator:Limits:MaxSyncImages
/// images (seed ranges, so the images equal those a single request would give), text jobs are one request.
/// </summary>
public sealed class GenerationJobs(GenerationClient client, GenerationStore store, IOptions<GeneratorOptions> options, ILogger<GenerationJobs> logger) : BackgroundService
{
    private const int ConcurrentJobs = 2;
    private readonly Channel<GenerationJob> queue = Channel.CreateUnbounded<GenerationJob>();

    public async Task AcceptAsync(GenerationJob job, string kind, CancellationToken cancellationToken)
    {
        await store.CreateAsync(job.GenerationId, job.Model.ModelId, kind, GenerationStatus.Queued, job.Request, cancellationToken);
        await queue.Writer.WriteAsync(job, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await store.FailUnfinishedAsync(stoppingToken);
        await Parallel.ForEachAsync(queue.Reader.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentJobs, CancellationToken = stoppingToken },
            async (job, ct) => await RunAsync(job, ct));
    }

    private async Task RunAsync(GenerationJob job, CancellationToken cancellationToken)
    {
        try
        {
            await store.MarkRunningAsync(job.GenerationId, cancellationToken);
            var error = job.Request.Images is { } images ? await RunImagesAsync(job, images, cancellationToken) : await RunTextAsync(job, job.Request.Text!, cancellationToken);
            if (error is not null) await store.FailAsync(job.GenerationId, error, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Generation job {GenerationId} failed", job.GenerationId);
            await store.FailAsync(job.GenerationId, e.Message, CancellationToken.None);
        }
    }

    private async Task<string?> RunImagesAsync(GenerationJob job, ImageRequest images, CancellationToken cancellationToken)
    {
        var chunk = images.InterpolateToSeed is null ? Math.Max(1, options.Value.Limits.MaxSyncImages) : images.Count;
        var pngs = new List<byte[]>();
        for (var offset = 0; offset < images.Count; offset += chunk)
        {
            var count = Math.Min(chunk, images.Count - offset);
            var request = new GenerateImages(job.CorrelationId, Guid.NewGuid(), job.Model, count, images.Seed + offset, images.ClassLabel, images.InterpolateToSeed);
            var outcome = await client.GenerateAsync(request, cancellationToken);
            if (outcome.Rejected is { } rejected) return rejected.Reason;
            pngs.AddRange(outcome.Result!.Images);
        }
        var grid = PngCodec.DecodeBatch(pngs).ToPngGrid();
        await store.CompleteAsync(job.GenerationId, pngs, grid, cancellationToken);
        return null;
    }

    private async Task<string?> RunTextAsync(GenerationJob job, TextRequest text, CancellationToken cancellationToken)
    {
        var outcome = await client.GenerateAsync(new GenerateText(job.CorrelationId, job.GenerationId, job.Model, text.ToOptions(), false), cancellationToken);
        if (outcome.Rejected is { } rejected) return rejected.Reason;
        await store.CompleteAsync(job.GenerationId, [System.Text.Encoding.UTF8.GetBytes(outcome.Result!.Text)], null, cancellationToken);
        return null;
    }
}
