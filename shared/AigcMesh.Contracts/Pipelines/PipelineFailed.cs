namespace AigcMesh.Contracts.Pipelines;

/// <summary>Fact: a pipeline stopped at <see cref="Stage"/> for <see cref="Reason"/>; later stages were skipped.</summary>
public sealed record PipelineFailed(Guid CorrelationId, Guid PipelineId, PipelineStage Stage, string Reason) : IPipelineMessage;
