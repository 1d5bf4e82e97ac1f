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
/// Idempotent per (model, settings): a request for an evaluation with the same settings as a completed or running
/// one reuses it (<see cref="EvaluationStore.ClaimAsync"/>) and is still answered with its own correlation and
/// evaluation ids, at once or when the running one ends. A redelivered command for a finished evaluation changes nothing.
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
        var claim = await evaluations.ClaimAsync(command.EvaluationId, model, cancellationToken);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Finished:
                return;
            case ClaimOutcome.Following:
                logger.LogInformation("Evaluation {EvaluationId} waits for {Original}, which has the same settings", command.EvaluationId, claim.Record.ReusedFromEvaluationId);
                return;
            case ClaimOutcome.Reused:
                logger.LogInformation("Evaluation {EvaluationId} reuses {Original}, which has the same settings", command.EvaluationId, claim.Record.ReusedFromEvaluationId);
                await publish.Publish(Completed(claim.Record), cancellationToken);
                return;
            case ClaimOutcome.FailedWithOriginal:
                await publish.Publish(Failed(claim.Record), cancellationToken);
                return;
        }

        var references = record.ReferencesJson is null ? null : JsonSerializer.Deserialize<List<string>>(record.ReferencesJson);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var report = await torch.RunAsync(ct => runner.Run(model, record.SampleCount > 0 ? record.SampleCount : sampleCount, references, record.Prompt, ct), cancellationToken);
            var followers = await evaluations.CompleteAsync(command.EvaluationId, report, stopwatch.Elapsed.TotalSeconds, cancellationToken);
            await publish.Publish(new EvaluationCompleted(command.CorrelationId, command.EvaluationId, command.ModelId, model.DatasetId, report.Metrics, report.Baselines), cancellationToken);
            foreach (var follower in followers) await publish.Publish(Completed(follower), cancellationToken);
            logger.LogInformation("Evaluated model {ModelId} in {Seconds:F1} s ({Followers} more requests answered)", command.ModelId, stopwatch.Elapsed.TotalSeconds, followers.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Evaluation {EvaluationId} of model {ModelId} failed", command.EvaluationId, command.ModelId);
            await FailAsync(command, e.Message, publish, cancellationToken);
        }
    }

    private static EvaluationCompleted Completed(EvaluationRecord r)
    {
        var view = EvaluationStore.ToView(r);
        return new EvaluationCompleted(r.CorrelationId, r.EvaluationId, r.ModelId, r.DatasetId ?? "", view.Metrics ?? new Dictionary<string, double>(), view.Baselines ?? new Dictionary<string, double>());
    }

    private static EvaluationFailed Failed(EvaluationRecord r) => new(r.CorrelationId, r.EvaluationId, r.ModelId, r.FailureReason ?? "The evaluation failed.");

    private async Task FailAsync(EvaluateModel command, string reason, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var followers = await evaluations.FailAsync(command.EvaluationId, reason, cancellationToken);
        await publish.Publish(new EvaluationFailed(command.CorrelationId, command.EvaluationId, command.ModelId, reason), cancellationToken);
        foreach (var follower in followers) await publish.Publish(Failed(follower), cancellationToken);
    }
}
