namespace AigcMesh.Generator.Inference;

/// <summary>The request does not fit the model (a class label out of range, reconstruction on a GAN).</summary>
public sealed class InvalidGenerationException(string message) : Exception(message);

/// <summary>The model could not be loaded; it is remembered as failed and not retried.</summary>
public sealed class ModelUnusableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The model's queue is too long; retry after <see cref="RetryAfterSeconds"/>.</summary>
public sealed class GeneratorBusyException(string message, int retryAfterSeconds) : Exception(message)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
