namespace AigcMesh.Contracts.Generation;

/// <summary>
/// Fact, sent to the requester of a streamed <see cref="GenerateText"/>: piece <see cref="Index"/> (0, 1, ...) of
/// the generated text. Pieces may arrive out of order; the index orders them.
/// </summary>
public sealed record GenerationTokenProduced(Guid CorrelationId, Guid GenerationId, int Index, string Text) : IPipelineMessage;
