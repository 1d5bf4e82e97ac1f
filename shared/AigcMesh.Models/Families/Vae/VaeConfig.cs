using AigcMesh.Models.Configuration;

namespace AigcMesh.Models.Families.Vae;

/// <summary>Convolutional VAE knobs; the defaults reconstruct and sample recognisable Fashion-MNIST shapes in a few minutes on 2 CPU cores.</summary>
public sealed record VaeConfig
{
    public ImageShape Shape { get; init; } = new();

    public int LatentSize { get; init; } = 16;

    /// <summary>Channels of the first convolution (the second has twice as many); the decoder mirrors the encoder.</summary>
    public int Width { get; init; } = 32;

    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;

    public static (VaeConfig Config, IReadOnlyList<string> Errors) Read(IReadOnlyDictionary<string, string> values)
    {
        var r = new HyperparameterReader(values);
        var d = new VaeConfig();
        var config = new VaeConfig
        {
            Shape = ImageShape.Read(r),
            LatentSize = r.Int("latent_size", d.LatentSize, 1, 1024),
            Width = r.Int("width", d.Width, 4, 512),
            BatchSize = r.Int("batch_size", d.BatchSize, 1, 4096),
            LearningRate = r.Double("learning_rate", d.LearningRate, 1e-6, 1.0),
        };
        return (config, r.Finish());
    }

    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["latent_size"] = HyperparameterText.Of(LatentSize),
            ["width"] = HyperparameterText.Of(Width),
            ["batch_size"] = HyperparameterText.Of(BatchSize),
            ["learning_rate"] = HyperparameterText.Of(LearningRate),
        };
        Shape.Write(values);
        return values;
    }
}
