using System.Text.Json;

namespace AigcMesh.Client;

public sealed record EvaluateRequest(Guid ModelId, int? SampleCount = null);

public sealed record EvaluationInfo : ApiResource
{
    public Guid Id { get; init; }
    public Guid? EvaluationId { get; init; }
    public Guid ModelId { get; init; }
    public string? DatasetId { get; init; }
    public string? Status { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public IReadOnlyDictionary<string, double>? Baselines { get; init; }
    public string? Reason { get; init; }

    public Guid EffectiveId => EvaluationId ?? Id;
    public bool IsFinished => Status is not null && (Status.Equals("completed", StringComparison.OrdinalIgnoreCase) || Status.Equals("failed", StringComparison.OrdinalIgnoreCase));
}

public sealed record LeaderboardEntry : ApiResource
{
    public Guid ModelId { get; init; }
    public string? Family { get; init; }
    public Guid? RunId { get; init; }
    public int? Version { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public IReadOnlyDictionary<string, double>? Baselines { get; init; }
    public DateTimeOffset? EvaluatedAt { get; init; }
}

public sealed record Leaderboard : ApiResource
{
    public string DatasetId { get; init; } = "";
    public IReadOnlyList<LeaderboardEntry> Entries { get; init; } = [];
    public IReadOnlyDictionary<string, double>? Baselines { get; init; }
}

public sealed class EvaluationsClient(AigcClient client)
{
    public const string Path = "api/evaluations";

    public Task<EvaluationInfo> StartAsync(EvaluateRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<EvaluationInfo>(Path, request, cancellationToken);

    public Task<EvaluationInfo> GetAsync(Guid evaluationId, CancellationToken cancellationToken = default) =>
        client.GetAsync<EvaluationInfo>($"{Path}/{evaluationId}", cancellationToken);

    public async Task<EvaluationInfo> WaitAsync(Guid evaluationId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var status = await GetAsync(evaluationId, limit.Token);
            if (status.IsFinished || status.Metrics is { Count: > 0 }) return status;
            await Task.Delay(TimeSpan.FromMilliseconds(500), limit.Token);
        }
    }
}

public sealed class LeaderboardsClient(AigcClient client)
{
    public const string Path = "api/leaderboards";

    public Task<Leaderboard> GetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        client.GetAsync<Leaderboard>($"{Path}/{AigcClient.Escape(datasetId)}", cancellationToken);
}

public sealed record PipelineRequest(
    string? DatasetId = null,
    ImportDatasetRequest? Import = null,
    string Family = "dcgan",
    IReadOnlyDictionary<string, string>? Hyperparameters = null,
    TrainingBudgetRequest? Budget = null,
    int? Seed = null,
    int? SampleCount = null,
    int? GenerateCount = null);

public sealed record PipelineStage : ApiResource
{
    public string Name { get; init; } = "";
    public string? Status { get; init; }
    public string? Detail { get; init; }
}

public sealed record PipelineInfo : ApiResource
{
    public Guid Id { get; init; }
    public Guid? PipelineId { get; init; }
    public string? Status { get; init; }
    public string? State { get; init; }
    public string? DatasetId { get; init; }
    public Guid? RunId { get; init; }
    public Guid? ModelId { get; init; }
    public Guid? EvaluationId { get; init; }
    public Guid? GenerationId { get; init; }
    public IReadOnlyList<PipelineStage>? Stages { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public string? Reason { get; init; }
    public JsonElement? Result { get; init; }

    public Guid EffectiveId => PipelineId ?? Id;
    public string? EffectiveStatus => Status ?? State;
    public bool IsFinished => EffectiveStatus is { } s && (s.Equals("completed", StringComparison.OrdinalIgnoreCase) || s.Equals("failed", StringComparison.OrdinalIgnoreCase) || s.Equals("final", StringComparison.OrdinalIgnoreCase));
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

    public IAsyncEnumerable<ServerSentEvent> EventsAsync(Guid pipelineId, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/{pipelineId}/events", cancellationToken: cancellationToken);
}
