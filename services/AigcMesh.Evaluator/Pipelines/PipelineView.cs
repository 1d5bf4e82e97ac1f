using AigcMesh.Contracts.Pipelines;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>A pipeline as the API shows it: overall status, each stage's status, and what it produced so far.</summary>
public sealed record PipelineView(
    Guid Id,
    string Status,
    string Family,
    string? BuiltInDataset,
    string? DatasetId,
    Guid? ModelId,
    IReadOnlyList<PipelineStageView> Stages,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> Baselines,
    IReadOnlyList<string> ArtifactIds,
    string? GridArtifactId,
    string? Text,
    PipelineFailureView? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsFinished => Status is "Completed" or "Failed";

    public static PipelineView Of(PipelineState s) => new(
        s.CorrelationId, s.CurrentState, s.Family, s.BuiltInDataset, s.DatasetId, s.ModelId,
        Enum.GetValues<PipelineStage>().Select(stage => new PipelineStageView(stage, s.StatusOf(stage))).ToList(),
        s.Metrics(), s.Baselines(), s.ArtifactIds(), s.GridArtifactId, s.GeneratedText,
        s.FailedStage is { } failed ? new PipelineFailureView(failed, s.FailureReason ?? "") : null,
        s.CreatedAt, s.UpdatedAt);
}

public sealed record PipelineStageView(PipelineStage Stage, PipelineStageStatus Status);

public sealed record PipelineFailureView(PipelineStage Stage, string Reason);
