namespace AigcMesh.Contracts.Training;

/// <summary>Command: stop a run as soon as possible.</summary>
public sealed record CancelTraining(Guid CorrelationId, Guid RunId, string Reason) : IPipelineMessage;
