namespace AigcMesh.Trainer.Registry;

/// <summary>The metric a sweep ranks a family's runs by (from the run's final validation metrics).</summary>
public static class PrimaryMetrics
{
    public static (string Metric, bool HigherIsBetter) Of(string family) => family switch
    {
        "dcgan" => ("mean_image_mse", false),
        "vae" => ("elbo_nats", true), // the ELBO itself: higher is better
        "gpt" or "lstm" => ("val_loss", false),
        _ => ("loss", false),
    };

    /// <summary>The best run's index among runs that reported the metric; null when none did.</summary>
    public static int? Best(IReadOnlyList<IReadOnlyDictionary<string, double>?> finalMetrics, string metric, bool higherIsBetter)
    {
        int? best = null;
        double bestValue = 0;
        for (var i = 0; i < finalMetrics.Count; i++)
        {
            if (finalMetrics[i] is not { } metrics || !metrics.TryGetValue(metric, out var value) || double.IsNaN(value)) continue;
            if (best is null || (higherIsBetter ? value > bestValue : value < bestValue))
            {
                best = i;
                bestValue = value;
            }
        }
        return best;
    }
}
