namespace AigcMesh.Contracts.Generation;

/// <summary>
/// Response to <see cref="GenerateImages"/> / <see cref="ReconstructImages"/>: one PNG per image and one grid PNG.
/// <see cref="ModelMilliseconds"/> is this request's share of the batched forward pass; <see cref="BatchRequests"/>
/// how many requests shared it.
/// </summary>
public sealed record ImagesGenerated(
    Guid CorrelationId,
    Guid GenerationId,
    Guid ModelId,
    IReadOnlyList<byte[]> Images,
    byte[] Grid,
    double ModelMilliseconds,
    int BatchRequests,
    string WorkerId) : IPipelineMessage;
