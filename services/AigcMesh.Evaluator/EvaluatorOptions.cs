namespace AigcMesh.Evaluator;

/// <summary>The "Evaluator" configuration section (environment: Evaluator__DefaultSampleCount and so on).</summary>
public sealed class EvaluatorOptions
{
    public const string Section = "Evaluator";

    /// <summary>Generated images per image evaluation when the request gives none (N; at least 2,048 for FID-style figures).</summary>
    public int DefaultSampleCount { get; set; } = 2048;

    /// <summary>Largest sample count a request may ask for.</summary>
    public int MaxSampleCount { get; set; } = 50_000;

    /// <summary>Adam steps (batch 64) that train a data set's feature network (400 keeps the embedded default quick; the service's appsettings.json sets 1500).</summary>
    public int FeatureNetworkSteps { get; set; } = 400;

    /// <summary>Evaluate every model on ModelRegistered.</summary>
    public bool AutoEvaluate { get; set; } = true;

    /// <summary>KID subsets and their size.</summary>
    public int KidSubsets { get; set; } = 100;

    public int KidSubsetSize { get; set; } = 1000;

    /// <summary>Held-out tokens a text evaluation scores.</summary>
    public int MaxHeldOutTokens { get; set; } = 16_384;

    /// <summary>Samples (and their length in tokens) a text evaluation draws for distinct-n, self-BLEU and repetition.</summary>
    public int TextSampleCount { get; set; } = 16;

    public int TextSampleTokens { get; set; } = 48;

    /// <summary>Largest n for best-of-n.</summary>
    public int MaxCandidates { get; set; } = 256;

    /// <summary>How long an EvaluateModel for a model not yet registered here waits for its ModelRegistered.</summary>
    public double ModelWaitSeconds { get; set; } = 15;
}
