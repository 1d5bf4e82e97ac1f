namespace AigcMesh.Contracts.Training;

/// <summary>Fact: a run's progress, published at a steady cadence.</summary>
public sealed record TrainingProgressed(
    Guid CorrelationId,
    Guid RunId,
    int Step,
    int? TotalSteps,
    IReadOnlyDictionary<string, double> Losses,
    double LearningRate,
    double ItemsPerSecond,
    double? EtaSeconds,
    string? SnapshotArtifactId) : IPipelineMessage;
