using AigcMesh.Models.Configuration;
using AigcMesh.Models.Training;

namespace AigcMesh.Models.Families.Gpt;

/// <summary>GPT knobs; the defaults write word-like text from a small corpus within a few minutes on 2 CPU cores.</summary>
public sealed record GptConfig
{
    public TextShape Text { get; init; } = new();
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 4;
    public int EmbeddingSize { get; init; } = 128;
    public int ContextLength { get; init; } = 128;
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-3;
    public int WarmupSteps { get; init; } = 50;
    public double WeightDecay { get; init; } = 0.0;
    public double GradientClip { get; init; } = 1.0;

    public static (GptConfig Config, IReadOnlyList<string> Errors) Read(IReadOnlyDictionary<string, string> values)
    {
        var r = new HyperparameterReader(values);
        var d = new GptConfig();
        var config = new GptConfig
        {
            Text = TextShape.Read(r),
            Layers = r.Int("layers", d.Layers, 1, 64),
            Heads = r.Int("heads", d.Heads, 1, 64),
            EmbeddingSize = r.Int("embedding_size", d.EmbeddingSize, 8, 4096),
            ContextLength = r.Int("context_length", d.ContextLength, 2, 8192),
            BatchSize = r.Int("batch_size", d.BatchSize, 1, 4096),
            LearningRate = r.Double("learning_rate", d.LearningRate, 1e-6, 1.0),
            WarmupSteps = r.Int("warmup_steps", d.WarmupSteps, 0, 1_000_000),
            WeightDecay = r.Double("weight_decay", d.WeightDecay, 0.0, 1.0),
            GradientClip = r.Double("gradient_clip", d.GradientClip, 1e-3, 1e6),
        };
        r.Require(config.EmbeddingSize % config.Heads == 0,
            $"embedding_size {config.EmbeddingSize} must divide by heads {config.Heads} (each head gets an equal slice).");
        return (config, r.Finish());
    }

    internal LanguageTraining Training => new(BatchSize, ContextLength, LearningRate, WarmupSteps, WeightDecay, GradientClip);

    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["layers"] = HyperparameterText.Of(Layers),
            ["heads"] = HyperparameterText.Of(Heads),
            ["embedding_size"] = HyperparameterText.Of(EmbeddingSize),
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
