namespace AigcMesh.Contracts.Generation;

/// <summary>
/// Command (request/response): generate content from a registered model. Image requests use
/// <see cref="Images"/>; text requests use <see cref="Text"/>.
/// </summary>
public sealed record GenerateContent(
    Guid CorrelationId,
    Guid GenerationId,
    Guid ModelId,
    ImageGenerationOptions? Images,
    TextGenerationOptions? Text) : IPipelineMessage;

public sealed record ImageGenerationOptions(int Count, int Seed, int? ClassLabel = null);

public sealed record TextGenerationOptions(
    string Prompt,
    int MaxNewTokens,
    double Temperature,
    int? TopK,
    double? TopP,
    IReadOnlyList<string> StopStrings,
    int Seed);
