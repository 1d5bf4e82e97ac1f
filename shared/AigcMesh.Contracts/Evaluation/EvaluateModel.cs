namespace AigcMesh.Contracts.Evaluation;

/// <summary>Command: evaluate a registered model against its data set.</summary>
public sealed record EvaluateModel(
    Guid CorrelationId,
    Guid EvaluationId,
    Guid ModelId,
    int SampleCount) : IPipelineMessage;
