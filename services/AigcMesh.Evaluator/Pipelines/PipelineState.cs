using System.Text.Json;
using AigcMesh.Contracts.Pipelines;
using MassTransit;

namespace AigcMesh.Evaluator.Pipelines;

/// <summary>
/// One pipeline, as the state machine keeps it (a row of pipelines.db): the request, each stage's status and
/// what the stages produced. Its id is also the import, run, evaluation and generation id of its stages.
/// </summary>
public sealed class PipelineState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";

    /// <summary>The correlation id of the request that started it, carried by every message it sends.</summary>
    public Guid RequestCorrelationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // The request.
    public string Family { get; set; } = "";
    public string? BuiltInDataset { get; set; }
    public string HyperparametersJson { get; set; } = "{}";
    public int? MaxSteps { get; set; }
    public double? MaxWallSeconds { get; set; }
    public int Seed { get; set; }
    public int EvaluationSampleCount { get; set; }
    public int SampleCount { get; set; }
    public string SamplePrompt { get; set; } = "";
    public int SampleMaxNewTokens { get; set; }
    public double SampleTemperature { get; set; }

    // Stages.
    public PipelineStageStatus DatasetStatus { get; set; }
    public PipelineStageStatus TrainingStatus { get; set; }
    public PipelineStageStatus EvaluationStatus { get; set; }
    public PipelineStageStatus GenerationStatus { get; set; }
    public PipelineStage? FailedStage { get; set; }
    public string? FailureReason { get; set; }

    // Results.
    public string? DatasetId { get; set; }
    public Guid? ModelId { get; set; }
    public int? TrainingSteps { get; set; }
    public string? MetricsJson { get; set; }
    public string? BaselinesJson { get; set; }
    public string? ArtifactIdsJson { get; set; }
    public string? GridArtifactId { get; set; }
    public string? GeneratedText { get; set; }

    public PipelineStageStatus StatusOf(PipelineStage stage) => stage switch
    {
        PipelineStage.Dataset => DatasetStatus,
        PipelineStage.Training => TrainingStatus,
        PipelineStage.Evaluation => EvaluationStatus,
        _ => GenerationStatus,
    };

    public void SetStatus(PipelineStage stage, PipelineStageStatus status)
    {
        switch (stage)
        {
            case PipelineStage.Dataset: DatasetStatus = status; break;
            case PipelineStage.Training: TrainingStatus = status; break;
            case PipelineStage.Evaluation: EvaluationStatus = status; break;
            default: GenerationStatus = status; break;
        }
    }

    public IReadOnlyDictionary<string, string> Hyperparameters() => Read<Dictionary<string, string>>(HyperparametersJson) ?? [];
    public IReadOnlyDictionary<string, double> Metrics() => Read<Dictionary<string, double>>(MetricsJson) ?? [];
    public IReadOnlyDictionary<string, double> Baselines() => Read<Dictionary<string, double>>(BaselinesJson) ?? [];
    public IReadOnlyList<string> ArtifactIds() => Read<List<string>>(ArtifactIdsJson) ?? [];

    public static string Write<T>(T value) => JsonSerializer.Serialize(value);

    private static T? Read<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json);
}
