namespace AigcMesh.Contracts.Evaluation;

/// <summary>Fact: a model's metrics, with the baselines (real vs real, compressors) measured beside them.</summary>
public sealed record EvaluationCompleted(
    Guid CorrelationId,
    Guid EvaluationId,
    Guid ModelId,
    string DatasetId,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> Baselines) : IPipelineMessage;
