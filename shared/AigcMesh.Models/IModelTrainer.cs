namespace AigcMesh.Models;

/// <summary>
/// One family's training state (model, optimizer, data cursor, RNG) for one run. The trainer service drives
/// it step by step on a dedicated thread: every call happens on the thread that created it.
/// </summary>
public interface IModelTrainer : IDisposable
{
    string Family { get; }
    long ParameterCount { get; }

    /// <summary>
    /// The full config the saved weights need to be loaded again (hyperparameters with defaults filled in, plus the
    /// shape the data set gave: image size, class count or vocabulary size). Register it with the model.
    /// </summary>
    IReadOnlyDictionary<string, string> ModelConfig { get; }

    /// <summary>Optimizer steps taken so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    int Step { get; }

    /// <summary>Samples (images) or tokens one step consumes; for throughput figures.</summary>
    int ItemsPerStep { get; }

    /// <summary>Forward and backward passes that one step does, in floating-point operations (for MFU).</summary>
    double FlopsPerStep { get; }

    /// <summary>Takes one optimizer step on the next batch and returns its losses (for example "loss", "d_loss", "g_loss").</summary>
    TrainStepResult TrainStep();

    /// <summary>Metrics on the validation split (for example "val_loss", "elbo_nats").</summary>
    IReadOnlyDictionary<string, double> Validate();

    /// <summary>A sample grid (PNG bytes) or sample text (UTF-8 bytes), with its media type.</summary>
    (byte[] Content, string MediaType) Snapshot();

    /// <summary>Model, optimizer state, step and RNG state, in TorchSharp's own format plus a small header.</summary>
    void SaveCheckpoint(Stream destination);

    /// <summary>Restores a checkpoint written by a trainer of the same family and config; throws InvalidDataException otherwise.</summary>
    void LoadCheckpoint(Stream source);

    /// <summary>The model's weights alone (what a registered model stores).</summary>
    void SaveWeights(Stream destination);
}

public sealed record TrainStepResult(IReadOnlyDictionary<string, double> Losses, double LearningRate);
