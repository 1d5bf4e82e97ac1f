namespace AigcMesh.Contracts.Generation;

/// <summary>Fact (and the failure reply to <see cref="GenerateContent"/>).</summary>
public sealed record GenerationFailed(Guid CorrelationId, Guid GenerationId, Guid ModelId, string Reason) : IPipelineMessage;
