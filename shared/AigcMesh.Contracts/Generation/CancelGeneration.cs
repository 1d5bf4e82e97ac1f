namespace AigcMesh.Contracts.Generation;

/// <summary>Command, published to every generator worker: stop generation <see cref="GenerationId"/> (its caller left).</summary>
public sealed record CancelGeneration(Guid CorrelationId, Guid GenerationId, string Reason) : IPipelineMessage;
