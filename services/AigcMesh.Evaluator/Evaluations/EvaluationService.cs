using System.Diagnostics;
using System.Text.Json;
using AigcMesh.Contracts.Evaluation;
using AigcMesh.Evaluator.Data;
using AigcMesh.Evaluator.Registry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AigcMesh.Evaluator.Evaluations;

/// <summary>
/// Carries out EvaluateModel: records the evaluation, waits briefly for the model's registration, runs the
/// evaluation on the torch thread, stores the report and publishes EvaluationCompleted or EvaluationFailed.
/// A redelivered command for a finished evaluation changes nothing.
/// </summary>
public sealed class EvaluationService(
    EvaluationStore evaluations,
    ModelRegistry registry,
    EvaluationRunner runner,
    TorchThread torch,
    IOptions<EvaluatorOptions> options,
    ILogger<EvaluationService> logger)
{
    public async Task HandleAsync(EvaluateModel command, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var sampleCount = command.SampleCount > 0 ? Math.Min(command.SampleCount, settings.MaxSampleCount) : settings.DefaultSampleCount;
        var record = await evaluations.FindAsync(command.EvaluationId, cancellationToken);
        if (record is null)
        {
            record = new EvaluationRecord
            {
                EvaluationId = command.EvaluationId,
                CorrelationId = command.CorrelationId,
                ModelId = command.ModelId,
                Trigger = "command",
                SampleCount = sampleCount,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            await evaluations.CreateAsync(record, cancellationToken);
        }
        if (record.Status is EvaluationStatus.Completed or EvaluationStatus.Failed) return;

        var model = await registry.WaitForAsync(command.ModelId, TimeSpan.FromSeconds(settings.ModelWaitSeconds), cancellationToken);
        if (model is null)
        {
            await FailAsync(command, $"Model {command.ModelId} is not registered.", publish, cancellationToken);
            return;
        }
        await evaluations.MarkRunningAsync(command.EvaluationId, model, cancellationToken);
        var references = record.ReferencesJson is null ? null : JsonSerializer.Deserialize<List<string>>(record.ReferencesJson);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var report = await torch.RunAsync(ct => runner.Run(model, record.SampleCount > 0 ? record.SampleCount : sampleCount, references, record.Prompt, ct), cancellationToken);
            await evaluations.CompleteAsync(command.EvaluationId, report, stopwatch.Elapsed.TotalSeconds, cancellationToken);
            await publish.Publish(new EvaluationCompleted(command.CorrelationId, command.EvaluationId, command.ModelId, model.DatasetId, report.Metrics, report.Baselines), cancellationToken);
            logger.LogInformation("Evaluated model {ModelId} in {Seconds:F1} s", command.ModelId, stopwatch.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Evaluation {EvaluationId} of model {ModelId} failed", command.EvaluationId, command.ModelId);
            await FailAsync(command, e.Message, publish, cancellationToken);
        }
    }

    private async Task FailAsync(EvaluateModel command, string reason, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        await evaluations.FailAsync(command.EvaluationId, reason, cancellationToken);
        await publish.Publish(new EvaluationFailed(command.CorrelationId, command.EvaluationId, command.ModelId, reason), cancellationToken);
    }
}
