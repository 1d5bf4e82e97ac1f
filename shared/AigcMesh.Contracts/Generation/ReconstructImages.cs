namespace AigcMesh.Contracts.Generation;

/// <summary>
/// Request (request/response, queue "generate-content"): a VAE's reconstruction of images given as uint8 pixels in
/// the model's shape (NCHW, <see cref="Count"/> images). Answered with <see cref="ImagesGenerated"/> or
/// <see cref="GenerationRejected"/>.
/// </summary>
public sealed record ReconstructImages(
    Guid CorrelationId,
    Guid GenerationId,
    GeneratorModel Model,
    int Count,
    byte[] Pixels) : IPipelineMessage;
