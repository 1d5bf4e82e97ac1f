namespace AigcMesh.Models.Inference;

/// <summary>
/// A trained image model for generation (DCGAN or VAE). Every result is a function of the seeds and labels only:
/// an image's latent comes from its own seed, so it does not depend on which other images share the batch.
/// Calls must come from one thread at a time (TorchSharp's dispose scopes are per thread).
/// </summary>
public interface IImageModel : IDisposable
{
    string Family { get; }
    int Channels { get; }
    int Height { get; }
    int Width { get; }

    /// <summary>Classes the model is conditioned on; 0 when it is unconditional (labels are then ignored).</summary>
    int ClassCount { get; }

    int LatentSize { get; }
    long ParameterCount { get; }

    /// <summary>The standard-normal latent vector that <paramref name="seed"/> stands for.</summary>
    float[] Latent(long seed);

    /// <summary>One image per seed; <paramref name="labels"/> (one per seed) for class-conditional models.</summary>
    ImageBatch Generate(IReadOnlyList<long> seeds, IReadOnlyList<int>? labels = null);

    /// <summary>One image per latent vector (each of length <see cref="LatentSize"/>).</summary>
    ImageBatch GenerateFromLatents(IReadOnlyList<float[]> latents, IReadOnlyList<int>? labels = null);

    /// <summary><paramref name="steps"/> images along the spherical path between the latents of two seeds (ends included).</summary>
    ImageBatch Interpolate(long fromSeed, long toSeed, int steps, int? label = null);
}

/// <summary>A VAE: an image model that also encodes, reconstructs and scores images.</summary>
public interface IVariationalImageModel : IImageModel
{
    /// <summary>Decodes the posterior mean of each image.</summary>
    ImageBatch Reconstruct(ImageBatch images);

    /// <summary>
    /// Negative ELBO per image in nats (lower is better): reconstruction (Bernoulli likelihood of pixels scaled to
    /// [0, 1]) plus KL to the prior, estimated with one posterior sample drawn from <paramref name="seed"/>.
    /// </summary>
    double[] NegativeElbo(ImageBatch images, long seed = 0);
}
