namespace AigcMesh.Contracts.Generation;

/// <summary>
/// Request (request/response, queue "generate-content"): text from a language model. With
/// <see cref="StreamTokens"/> the worker also sends one <see cref="GenerationTokenProduced"/> per piece of text to
/// the requester's address as it is produced. Answered with <see cref="TextGenerated"/> or
/// <see cref="GenerationRejected"/>.
/// </summary>
public sealed record GenerateText(
    Guid CorrelationId,
    Guid GenerationId,
    GeneratorModel Model,
    TextGenerationOptions Options,
    bool StreamTokens) : IPipelineMessage;
