namespace AigcMesh.Contracts.Generation;

/// <summary>Fact (and the reply to <see cref="GenerateContent"/>): content was generated and stored.</summary>
public sealed record ContentGenerated(
    Guid CorrelationId,
    Guid GenerationId,
    Guid ModelId,
    IReadOnlyList<string> ArtifactIds,
    string? GridArtifactId,
    string? Text,
    double ModelMilliseconds) : IPipelineMessage;
