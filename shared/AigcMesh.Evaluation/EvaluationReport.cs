namespace AigcMesh.Evaluation;

/// <summary>
/// What an evaluation measured: the model's metrics, the same metrics for the honest baselines beside them (real vs
/// real for images, compressors and real text for text), and notes that say how (N, reference split, settings).
/// </summary>
public sealed record EvaluationReport(
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> Baselines,
    IReadOnlyDictionary<string, string> Notes);
