using AigcMesh.Contracts.Training;

namespace AigcMesh.Contracts.Pipelines;

/// <summary>
/// Command: run the whole job in one go: import a built-in data set (<see cref="BuiltInDataset"/>) or use an
/// existing one (<see cref="DatasetId"/>), train a <see cref="Family"/> model on it, evaluate the model and
/// generate a sample set. The pipeline's stages use <see cref="PipelineId"/> as their import, run, evaluation and
/// generation ids.
/// </summary>
public sealed record StartPipeline(
    Guid CorrelationId,
    Guid PipelineId,
    string? DatasetId,
    string? BuiltInDataset,
    string Family,
    IReadOnlyDictionary<string, string> Hyperparameters,
    TrainingBudget Budget,
    int Seed,
    int EvaluationSampleCount,
    PipelineSampleOptions Samples) : IPipelineMessage;

/// <summary>The sample set generated at the end: images (count) or text (prompt and length).</summary>
public sealed record PipelineSampleOptions(int Count, string Prompt, int MaxNewTokens, double Temperature);
