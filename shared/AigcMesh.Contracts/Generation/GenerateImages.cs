namespace AigcMesh.Contracts.Generation;

/// <summary>
/// Request (request/response, queue "generate-content"): images from an image model. Image i is drawn from the
/// latent of seed <see cref="Seed"/> + i; with <see cref="InterpolateToSeed"/> the images walk the latent path from
/// <see cref="Seed"/> to it instead (<see cref="Count"/> steps, ends included). Answered with
/// <see cref="ImagesGenerated"/> or <see cref="GenerationRejected"/>.
/// </summary>
public sealed record GenerateImages(
    Guid CorrelationId,
    Guid GenerationId,
    GeneratorModel Model,
    int Count,
    long Seed,
    int? ClassLabel,
    long? InterpolateToSeed) : IPipelineMessage;
