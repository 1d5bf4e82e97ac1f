namespace AigcMesh.Contracts.Training;

/// <summary>Fact: a run stopped because it was cancelled, at <see cref="Step"/>.</summary>
public sealed record TrainingCancelled(Guid CorrelationId, Guid RunId, int Step, string Reason) : IPipelineMessage;
