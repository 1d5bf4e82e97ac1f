namespace AigcMesh.Contracts.Generation;

/// <summary>
/// The refusal reply to a generation request: what kind of refusal, a readable reason, and for
/// <see cref="GenerationRejectionKind.Busy"/> how many seconds to wait before retrying.
/// </summary>
public sealed record GenerationRejected(
    Guid CorrelationId,
    Guid GenerationId,
    Guid ModelId,
    GenerationRejectionKind Kind,
    string Reason,
    int RetryAfterSeconds) : IPipelineMessage;

public enum GenerationRejectionKind
{
    /// <summary>The request does not fit the model or a limit (HTTP 400).</summary>
    Invalid,

    /// <summary>The model could not be loaded (it is remembered as failed; HTTP 422).</summary>
    ModelUnusable,

    /// <summary>The worker's queue is too long (HTTP 503 with Retry-After).</summary>
    Busy,

    /// <summary>The requester cancelled it.</summary>
    Cancelled,
}
