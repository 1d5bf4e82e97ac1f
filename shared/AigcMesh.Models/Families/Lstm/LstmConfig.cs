using AigcMesh.Models.Configuration;
using AigcMesh.Models.Training;

namespace AigcMesh.Models.Families.Lstm;

/// <summary>LSTM language-model knobs; the defaults write word-like text from a small corpus within a few minutes on 2 CPU cores.</summary>
public sealed record LstmConfig
{
    public TextShape Text { get; init; } = new();
    public int Layers { get; init; } = 2;
    public int EmbeddingSize { get; init; } = 128;
    public int HiddenSize { get; init; } = 256;

    /// <summary>Tokens per training window (truncated back-propagation through time); sampling is not limited by it.</summary>
    public int ContextLength { get; init; } = 64;

    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 2e-3;
    public int WarmupSteps { get; init; } = 20;
    public double WeightDecay { get; init; } = 0.0;
    public double GradientClip { get; init; } = 1.0;

    public static (LstmConfig Config, IReadOnlyList<string> Errors) Read(IReadOnlyDictionary<string, string> values)
    {
        var r = new HyperparameterReader(values);
        var d = new LstmConfig();
        var config = new LstmConfig
        {
            Text = TextShape.Read(r),
            Layers = r.Int("layers", d.Layers, 1, 16),
            EmbeddingSize = r.Int("embedding_size", d.EmbeddingSize, 4, 4096),
            HiddenSize = r.Int("hidden_size", d.HiddenSize, 4, 8192),
            ContextLength = r.Int("context_length", d.ContextLength, 2, 8192),
            BatchSize = r.Int("batch_size", d.BatchSize, 1, 4096),
            LearningRate = r.Double("learning_rate", d.LearningRate, 1e-6, 1.0),
            WarmupSteps = r.Int("warmup_steps", d.WarmupSteps, 0, 1_000_000),
            WeightDecay = r.Double("weight_decay", d.WeightDecay, 0.0, 1.0),
            GradientClip = r.Double("gradient_clip", d.GradientClip, 1e-3, 1e6),
        };
        return (config, r.Finish());
    }

    internal LanguageTraining Training => new(BatchSize, ContextLength, LearningRate, WarmupSteps, WeightDecay, GradientClip);

    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["layers"] = HyperparameterText.Of(Layers),
            ["embedding_size"] = HyperparameterText.Of(EmbeddingSize),
            ["hidden_size"] = HyperparameterText.Of(HiddenSize),
            ["context_length"] = HyperparameterText.Of(ContextLength),
            ["batch_size"] = HyperparameterText.Of(BatchSize),
            ["learning_rate"] = HyperparameterText.Of(LearningRate),
            ["warmup_steps"] = HyperparameterText.Of(WarmupSteps),
            ["weight_decay"] = HyperparameterText.Of(WeightDecay),
            ["gradient_clip"] = HyperparameterText.Of(GradientClip),
        };
        Text.Write(values);
        return values;
    }
}
