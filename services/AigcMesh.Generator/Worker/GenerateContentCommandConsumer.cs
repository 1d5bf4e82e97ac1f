using System.Text;
using AigcMesh.Contracts.Generation;
using AigcMesh.Generator.Api;
using AigcMesh.Generator.Inference;
using AigcMesh.Generator.Registry;
using MassTransit;

namespace AigcMesh.Generator.Worker;

/// <summary>
/// The bus command <see cref="GenerateContent"/> (sent by the pipeline): generates with the registered model, keeps
/// the result in the artifact store and the generation list, and publishes <see cref="ContentGenerated"/> or
/// <see cref="GenerationFailed"/> with the reason.
/// </summary>
public sealed class GenerateContentCommandConsumer(
    ModelRegistry registry, GenerationWorker worker, GenerationStore store, ILogger<GenerateContentCommandConsumer> logger)
    : IConsumer<GenerateContent>
{
    public async Task Consume(ConsumeContext<GenerateContent> context)
    {
        var m = context.Message;
        var model = await FindModelAsync(m.ModelId, context.CancellationToken);
        if (model is null)
        {
            await Fail(context, $"Model {m.ModelId} is not registered with the generator.");
            return;
        }
        if (m.Images is null == (m.Text is null))
        {
            await Fail(context, "Give exactly one of Images or Text.");
            return;
        }

        var kind = m.Images is not null ? "images" : "text";
        await store.CreateAsync(m.GenerationId, m.ModelId, kind, GenerationStatus.Running, m, context.CancellationToken);
        try
        {
            ContentGenerated result;
            if (m.Images is { } images)
            {
                var done = await worker.GenerateImagesAsync(
                    new GenerateImages(m.CorrelationId, m.GenerationId, model, images.Count, images.Seed, images.ClassLabel, null), context.CancellationToken);
                var (ids, grid) = await store.CompleteAsync(m.GenerationId, done.Images, done.Grid, context.CancellationToken);
                result = new ContentGenerated(m.CorrelationId, m.GenerationId, m.ModelId, ids, grid, null, done.ModelMilliseconds);
            }
            else
            {
                var done = await worker.GenerateTextAsync(new GenerateText(m.CorrelationId, m.GenerationId, model, m.Text!, false), null, context.CancellationToken);
                var (ids, _) = await store.CompleteAsync(m.GenerationId, [Encoding.UTF8.GetBytes(done.Text)], null, context.CancellationToken);
                result = new ContentGenerated(m.CorrelationId, m.GenerationId, m.ModelId, ids, null, done.Text, done.ModelMilliseconds);
            }
            await context.Publish(result);
            if (context.ResponseAddress is not null) await context.RespondAsync(result);
        }
        catch (Exception e) when (e is InvalidGenerationException or ModelUnusableException or GeneratorBusyException)
        {
            logger.LogWarning("Generation {GenerationId} failed: {Reason}", m.GenerationId, e.Message);
            await store.FailAsync(m.GenerationId, e.Message, context.CancellationToken);
            await Fail(context, e.Message);
        }
    }

    /// <summary>The model's registration can arrive a moment after the command that names it: wait a little for it.</summary>
    private async Task<GeneratorModel?> FindModelAsync(Guid modelId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await registry.FindAsync(modelId, cancellationToken) is { } model) return model;
            await Task.Delay(250, cancellationToken);
        }
        return null;
    }

    private static async Task Fail(ConsumeContext<GenerateContent> context, string reason)
    {
        var m = context.Message;
        var failed = new GenerationFailed(m.CorrelationId, m.GenerationId, m.ModelId, reason);
        await context.Publish(failed);
        if (context.ResponseAddress is not null) await context.RespondAsync(failed);
    }
}
