namespace AigcMesh.Contracts.Training;

/// <summary>Fact: a run finished its budget; its model is registered as <see cref="ModelId"/>.</summary>
public sealed record TrainingCompleted(
    Guid CorrelationId,
    Guid RunId,
    Guid ModelId,
    int Steps,
    IReadOnlyDictionary<string, double> FinalMetrics) : IPipelineMessage;
