namespace AigcMesh.Contracts.Pipelines;

/// <summary>Fact: one stage of a pipeline changed status (with a short detail, for example the data set id).</summary>
public sealed record PipelineStageChanged(
    Guid CorrelationId,
    Guid PipelineId,
    PipelineStage Stage,
    PipelineStageStatus Status,
    string? Detail,
    DateTimeOffset At) : IPipelineMessage;
