namespace AigcMesh.Contracts.Evaluation;

public sealed record EvaluationFailed(Guid CorrelationId, Guid EvaluationId, Guid ModelId, string Reason) : IPipelineMessage;
