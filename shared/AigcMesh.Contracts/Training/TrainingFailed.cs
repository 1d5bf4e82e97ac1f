namespace AigcMesh.Contracts.Training;

/// <summary>Fact: a run ended without a model, for <see cref="Reason"/>.</summary>
public sealed record TrainingFailed(Guid CorrelationId, Guid RunId, string Reason) : IPipelineMessage;
