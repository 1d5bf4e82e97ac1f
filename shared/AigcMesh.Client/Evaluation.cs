using System.Text.Json.Serialization;

namespace AigcMesh.Client;

/// <summary>
/// POST /api/evaluations (the evaluator's EvaluationRequest): <see cref="SampleCount"/> within [16, the service's
/// maximum]; <see cref="References"/> (texts to score BLEU/ROUGE-L against) and <see cref="Prompt"/> for text models.
/// </summary>
public sealed record EvaluateRequest(Guid ModelId, int? SampleCount = null, IReadOnlyList<string>? References = null, string? Prompt = null);

/// <summary>
/// An evaluation (the evaluator's EvaluationView): status pending, running, completed or failed; the model's metrics
/// with the baselines (real-vs-real floor, compressors) measured beside them; the failure reason when it failed.
/// </summary>
public sealed record EvaluationInfo : ApiResource
{
    public Guid EvaluationId { get; init; }
    public Guid ModelId { get; init; }
    public string? DatasetId { get; init; }
    public Guid? RunId { get; init; }
    public string? Family { get; init; }
    public string? Status { get; init; }

    /// <summary>"request" (POST /api/evaluations), "auto" (on ModelRegistered) or "command" (an EvaluateModel sent by another service).</summary>
    public string? Trigger { get; init; }
    public int SampleCount { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public IReadOnlyDictionary<string, double>? Baselines { get; init; }
    public IReadOnlyDictionary<string, string>? Notes { get; init; }
    public string? FailureReason { get; init; }
    public double? Seconds { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The earlier evaluation with the same settings whose report this one reuses (none when it ran itself).</summary>
    public Guid? ReusedFrom { get; init; }

    [JsonIgnore]
    public bool Failed => string.Equals(Status, EvaluationStatus.Failed, StringComparison.OrdinalIgnoreCase);

    [JsonIgnore]
    public bool IsFinished => Failed || string.Equals(Status, EvaluationStatus.Completed, StringComparison.OrdinalIgnoreCase);
}

public static class EvaluationStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>One leaderboard row: a model's latest completed evaluation, with the baselines measured in it.</summary>
public sealed record LeaderboardEntry : ApiResource
{
    public int Rank { get; init; }
    public Guid ModelId { get; init; }
    public string? Family { get; init; }
    public Guid? RunId { get; init; }
    public string DatasetId { get; init; } = "";
    public Guid EvaluationId { get; init; }
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    public IReadOnlyDictionary<string, double> Baselines { get; init; } = new Dictionary<string, double>();
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>GET /api/leaderboards/{datasetId}: the entries ranked by <see cref="SortBy"/> in <see cref="Order"/> (asc or desc).</summary>
public sealed record Leaderboard : ApiResource
{
    public string DatasetId { get; init; } = "";
    public string SortBy { get; init; } = "";
    public string Order { get; init; } = "";
    public IReadOnlyList<LeaderboardEntry> Entries { get; init; } = [];
}

public sealed class EvaluationsClient(AigcClient client)
{
    public const string Path = "api/evaluations";

    /// <summary>Asks for an evaluation (202): the answer is the pending evaluation; follow it with <see cref="WaitAsync"/>.</summary>
    public Task<EvaluationInfo> StartAsync(EvaluateRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<EvaluationInfo>(Path, request, cancellationToken);

    public Task<EvaluationInfo> GetAsync(Guid evaluationId, CancellationToken cancellationToken = default) =>
        client.GetAsync<EvaluationInfo>($"{Path}/{evaluationId}", cancellationToken);

    /// <summary>Evaluations, newest first; only one model's when <paramref name="modelId"/> is given.</summary>
    public Task<IReadOnlyList<EvaluationInfo>> ListAsync(Guid? modelId = null, CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<EvaluationInfo>>(modelId is { } id ? $"{Path}?modelId={id}" : Path, cancellationToken);

    /// <summary>Best-of-n content optimisation (answered at once): the kept candidates with their scores, the filters and post-processing applied.</summary>
    public Task<OptimiseResponse> OptimiseAsync(OptimiseRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<OptimiseResponse>($"{Path}/optimise", request, cancellationToken);

    /// <summary>A kept image of an optimisation (an <see cref="OptimisedItem.ArtifactId"/>), as PNG bytes.</summary>
    public Task<byte[]> OptimisedImageAsync(string artifactId, CancellationToken cancellationToken = default) =>
        client.GetBytesAsync($"{Path}/optimised/{AigcClient.Escape(artifactId)}", cancellationToken);

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

    /// <summary>
    /// The data set's leaderboard, ranked by <paramref name="sortBy"/> (a metric name; the service picks fd for images and
    /// bits_per_char for text when null) in <paramref name="order"/> ("asc" or "desc"; the metric's better direction when null).
    /// </summary>
    public Task<Leaderboard> GetAsync(string datasetId, string? sortBy = null, string? order = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (sortBy is not null) query.Add($"sort={Uri.EscapeDataString(sortBy)}");
        if (order is not null) query.Add($"order={Uri.EscapeDataString(order)}");
        var path = $"{Path}/{AigcClient.Escape(datasetId)}" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return client.GetAsync<Leaderboard>(path, cancellationToken);
    }
}
