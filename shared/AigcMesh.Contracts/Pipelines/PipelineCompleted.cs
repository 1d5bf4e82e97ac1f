namespace AigcMesh.Contracts.Pipelines;

/// <summary>Fact: every stage of a pipeline completed: the model, its metrics and the generated content.</summary>
public sealed record PipelineCompleted(
    Guid CorrelationId,
    Guid PipelineId,
    string DatasetId,
    Guid ModelId,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> Baselines,
    IReadOnlyList<string> ArtifactIds,
    string? GridArtifactId,
    string? Text) : IPipelineMessage;
