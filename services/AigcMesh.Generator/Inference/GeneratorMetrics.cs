using Prometheus;

namespace AigcMesh.Generator.Inference;

/// <summary>The generator's Prometheus metrics (served on /metrics).</summary>
public static class GeneratorMetrics
{
    /// <summary>Requests combined into one forward pass, per model family.</summary>
    public static readonly Histogram BatchRequests = Metrics.CreateHistogram(
        "aigcmesh_generator_batch_requests", "Requests combined into one batched forward pass.",
        new HistogramConfiguration { LabelNames = ["family"], Buckets = [1, 2, 4, 8, 16, 32, 64, 128] });

    /// <summary>Images (or sequences) in one forward pass, per model family.</summary>
    public static readonly Histogram BatchItems = Metrics.CreateHistogram(
        "aigcmesh_generator_batch_size", "Images (or sequences) in one batched forward pass.",
        new HistogramConfiguration { LabelNames = ["family"], Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    public static readonly Histogram ForwardSeconds = Metrics.CreateHistogram(
        "aigcmesh_generator_forward_seconds", "Time of one batched forward pass.",
        new HistogramConfiguration { LabelNames = ["family"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Counter TextTokens = Metrics.CreateCounter(
        "aigcmesh_generator_text_tokens_total", "Tokens sampled by language models.", new CounterConfiguration { LabelNames = ["family"] });

    public static readonly Counter Rejected = Metrics.CreateCounter(
        "aigcmesh_generator_rejected_total", "Generation requests refused, by reason.", new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Gauge LoadedModels = Metrics.CreateGauge("aigcmesh_generator_loaded_models", "Models in the cache.");
    public static readonly Gauge CachedBytes = Metrics.CreateGauge("aigcmesh_generator_model_cache_bytes", "Weights bytes in the model cache.");
}
