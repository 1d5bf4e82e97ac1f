namespace AigcMesh.Contracts.Generation;

/// <summary>
/// Response to <see cref="GenerateText"/>: the whole text, the tokens sampled, why it stopped ("length", "stop",
/// "cancelled") and, for streamed requests, how many <see cref="GenerationTokenProduced"/> pieces were sent.
/// </summary>
public sealed record TextGenerated(
    Guid CorrelationId,
    Guid GenerationId,
    Guid ModelId,
    string Text,
    int TokenCount,
    int PieceCount,
    string FinishReason,
    double ModelMilliseconds,
    string WorkerId) : IPipelineMessage;
