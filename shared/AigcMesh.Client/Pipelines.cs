using System.Text.Json.Serialization;

namespace AigcMesh.Client;

/// <summary>The sample set a pipeline generates at the end: image count, or text prompt, length and temperature.</summary>
public sealed record PipelineSamples(int? Count = null, string? Prompt = null, int? MaxNewTokens = null, double? Temperature = null);

/// <summary>
/// POST /api/pipelines: train <see cref="Family"/> on a built-in data set (<see cref="Dataset"/>: synthetic-images or
/// synthetic-text) or an existing one (<see cref="DatasetId"/>), evaluate it and generate a sample set.
/// </summary>
public sealed record PipelineRequest(
    string Family,
    string? Dataset = null,
    string? DatasetId = null,
    IReadOnlyDictionary<string, string>? Hyperparameters = null,
    int? MaxSteps = null,
    double? MaxWallSeconds = null,
    int? Seed = null,
    int? EvaluationSamples = null,
    PipelineSamples? Samples = null);

public sealed record PipelineStageInfo : ApiResource
{
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Stage { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Status { get; init; }
}

public sealed record PipelineFailure : ApiResource
{
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Stage { get; init; }

    public string? Reason { get; init; }
}

/// <summary>A pipeline: overall status (Submitted, the stage it is in, Completed, Failed), each stage, and what it made.</summary>
public sealed record PipelineInfo : ApiResource
{
    public Guid Id { get; init; }
    public string? Status { get; init; }
    public string? Family { get; init; }
    public string? BuiltInDataset { get; init; }
    public string? DatasetId { get; init; }
    public Guid? ModelId { get; init; }
    public IReadOnlyList<PipelineStageInfo>? Stages { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public IReadOnlyDictionary<string, double>? Baselines { get; init; }
    public IReadOnlyList<string>? ArtifactIds { get; init; }
    public string? GridArtifactId { get; init; }
    public string? Text { get; init; }
    public PipelineFailure? Failure { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonIgnore]
    public bool Completed => string.Equals(Status, "completed", StringComparison.OrdinalIgnoreCase);

    [JsonIgnore]
    public bool IsFinished => Completed || string.Equals(Status, "failed", StringComparison.OrdinalIgnoreCase);
}

public sealed class PipelinesClient(AigcClient client)
{
    public const string Path = "api/pipelines";

    public Task<PipelineInfo> StartAsync(PipelineRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<PipelineInfo>(Path, request, cancellationToken);

    public Task<PipelineInfo> GetAsync(Guid pipelineId, CancellationToken cancellationToken = default) =>
        client.GetAsync<PipelineInfo>($"{Path}/{pipelineId}", cancellationToken);

    public Task<IReadOnlyList<PipelineInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<PipelineInfo>>(Path, cancellationToken);

    /// <summary>Events: "snapshot" (the pipeline, first), "stage" (a stage changed), then "completed" or "failed" (the pipeline, last).</summary>
    public IAsyncEnumerable<ServerSentEvent> EventsAsync(Guid pipelineId, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/{pipelineId}/events", cancellationToken: cancellationToken);
}
