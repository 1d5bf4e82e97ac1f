using AigcMesh.Models.Configuration;

namespace AigcMesh.Models.Families.Dcgan;

/// <summary>DCGAN knobs; the defaults train to recognisable Fashion-MNIST shapes in a few minutes on 2 CPU cores.</summary>
public sealed record DcganConfig
{
    public ImageShape Shape { get; init; } = new();

    /// <summary>Condition both networks on the class label (needs a labelled data set).</summary>
    public bool Conditional { get; init; }

    public int LatentSize { get; init; } = 64;
    public int GeneratorWidth { get; init; } = 32;
    public int DiscriminatorWidth { get; init; } = 32;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-4;
    public double Beta1 { get; init; } = 0.5;

    public static (DcganConfig Config, IReadOnlyList<string> Errors) Read(IReadOnlyDictionary<string, string> values)
    {
        var r = new HyperparameterReader(values);
        var d = new DcganConfig();
        var config = new DcganConfig
        {
            Shape = ImageShape.Read(r),
            Conditional = r.Bool("conditional", d.Conditional),
            LatentSize = r.Int("latent_size", d.LatentSize, 2, 1024),
            GeneratorWidth = r.Int("generator_width", d.GeneratorWidth, 4, 512),
            DiscriminatorWidth = r.Int("discriminator_width", d.DiscriminatorWidth, 4, 512),
            BatchSize = r.Int("batch_size", d.BatchSize, 2, 4096),
            LearningRate = r.Double("learning_rate", d.LearningRate, 1e-6, 1.0),
            Beta1 = r.Double("beta1", d.Beta1, 0.0, 0.999),
        };
        return (config, r.Finish());
    }

    /// <summary>Refusals that need the data set's shape (known once the data set is open).</summary>
    public IEnumerable<string> CheckData()
    {
        if (Conditional && Shape.ClassCount < 2)
            yield return $"conditional: the data set has {Shape.ClassCount} classes; class-conditional mode needs at least 2.";
    }

    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["conditional"] = HyperparameterText.Of(Conditional),
            ["latent_size"] = HyperparameterText.Of(LatentSize),
            ["generator_width"] = HyperparameterText.Of(GeneratorWidth),
            ["discriminator_width"] = HyperparameterText.Of(DiscriminatorWidth),
            ["batch_size"] = HyperparameterText.Of(BatchSize),
            ["learning_rate"] = HyperparameterText.Of(LearningRate),
            ["beta1"] = HyperparameterText.Of(Beta1),
        };
        Shape.Write(values);
        return values;
    }
}
