using System.Text.Json.Serialization;

namespace AigcMesh.Client;

public sealed record EvaluateRequest(Guid ModelId, int? SampleCount = null);

/// <summary>An evaluation: the model's metrics with the baselines (real-vs-real floor, compressors) measured beside them.</summary>
public sealed record EvaluationInfo : ApiResource
{
    public Guid Id { get; init; }
    public Guid? EvaluationId { get; init; }
    public Guid ModelId { get; init; }
    public string? DatasetId { get; init; }
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Status { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public IReadOnlyDictionary<string, double>? Baselines { get; init; }
    public string? Reason { get; init; }
    public string? Error { get; init; }

    [JsonIgnore]
    public Guid EffectiveId => EvaluationId ?? Id;

    [JsonIgnore]
    public bool Failed => string.Equals(Status, "failed", StringComparison.OrdinalIgnoreCase);

    [JsonIgnore]
    public bool IsFinished => Failed || string.Equals(Status, "completed", StringComparison.OrdinalIgnoreCase);
}

public sealed record LeaderboardEntry : ApiResource
{
    public Guid ModelId { get; init; }
    public string? Family { get; init; }
    public Guid? RunId { get; init; }
    public int? Version { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public IReadOnlyDictionary<string, double>? Baselines { get; init; }
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
            if (status.IsFinished) return status;
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
