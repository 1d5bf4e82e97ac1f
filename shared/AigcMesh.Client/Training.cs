using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AigcMesh.Client;

/// <summary>POST /api/runs. A budget is required: <see cref="MaxSteps"/>, <see cref="MaxWallSeconds"/> or both.</summary>
public sealed record StartRunRequest(
    string DatasetId,
    string Family,
    IReadOnlyDictionary<string, string>? Hyperparameters = null,
    int? MaxSteps = null,
    double? MaxWallSeconds = null,
    int? Seed = null,
    string? Device = null,
    string? Tokenizer = null);

/// <summary>The answer to starting a run: its id and where to follow it.</summary>
public sealed record RunAccepted : ApiResource
{
    public Guid Id { get; init; }
    public string? Status { get; init; }
    public string? Url { get; init; }
    public string? Events { get; init; }
}

public sealed record RunLatest : ApiResource
{
    public IReadOnlyDictionary<string, double>? Losses { get; init; }
    public double? LearningRate { get; init; }
    public double? ItemsPerSecond { get; init; }
    public double? EtaSeconds { get; init; }
}

public sealed record RunBudget(int? MaxSteps, double? MaxWallSeconds);

/// <summary>A run (GET /api/runs/{id}): status queued, running, completed, failed or cancelled.</summary>
public sealed record RunInfo : ApiResource
{
    public Guid Id { get; init; }
    public string? Status { get; init; }
    public string? DatasetId { get; init; }
    public string? Family { get; init; }
    public IReadOnlyDictionary<string, string>? Hyperparameters { get; init; }
    public RunBudget? Budget { get; init; }
    public int? Seed { get; init; }
    public string? Device { get; init; }
    public long? ParameterCount { get; init; }
    public int? Step { get; init; }
    public int? TotalSteps { get; init; }
    public RunLatest? Latest { get; init; }
    public IReadOnlyDictionary<string, double>? FinalMetrics { get; init; }
    public Guid? ModelId { get; init; }
    public Guid? SweepId { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonIgnore]
    public bool IsFinished => RunStatus.IsFinal(Status);
}

public static class RunStatus
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string? status) => status is not null && (status.Equals(Completed, StringComparison.OrdinalIgnoreCase)
        || status.Equals(Failed, StringComparison.OrdinalIgnoreCase) || status.Equals(Cancelled, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A "progress" event of a run's stream (the TrainingProgressed fact).</summary>
public sealed record RunProgress : ApiResource
{
    public Guid RunId { get; init; }
    public int Step { get; init; }
    public int? TotalSteps { get; init; }
    public IReadOnlyDictionary<string, double>? Losses { get; init; }
    public double LearningRate { get; init; }
    public double ItemsPerSecond { get; init; }
    public double? EtaSeconds { get; init; }
    public string? SnapshotArtifactId { get; init; }
}

/// <summary>A stored snapshot of a run: a sample grid (image families) or sample text.</summary>
public sealed record RunSnapshot : ApiResource
{
    public int Step { get; init; }
    public string ArtifactId { get; init; } = "";
    public string? MediaType { get; init; }
    public string? Url { get; init; }
}

/// <summary>
/// POST /api/sweeps: <see cref="Parameters"/> maps a hyperparameter to the values to search (grid, or random with
/// <see cref="Trials"/>); <see cref="Fixed"/> holds the values every run shares.
/// </summary>
public sealed record SweepRequest(
    string DatasetId,
    string Family,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters,
    string Strategy = "grid",
    int? Trials = null,
    IReadOnlyDictionary<string, string>? Fixed = null,
    int? MaxSteps = null,
    double? MaxWallSeconds = null,
    int? Seed = null,
    string? Device = null,
    string? Tokenizer = null);

public sealed record SweepAccepted : ApiResource
{
    public Guid Id { get; init; }
    public IReadOnlyList<Guid>? Runs { get; init; }
    public string? Url { get; init; }
}

public sealed record SweepBest(Guid RunId, Guid? ModelId, string Metric, double Value);

public sealed record SweepInfo : ApiResource
{
    public Guid Id { get; init; }
    public string? DatasetId { get; init; }
    public string? Family { get; init; }
    public string? Strategy { get; init; }
    public string? PrimaryMetric { get; init; }
    public bool? HigherIsBetter { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<RunInfo>? Runs { get; init; }
    public SweepBest? Best { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A registered model with its lineage (data set → run → model).</summary>
public sealed record ModelInfo : ApiResource
{
    public Guid Id { get; init; }
    public int? Version { get; init; }
    public string? Family { get; init; }
    public string? DatasetId { get; init; }
    public Guid? RunId { get; init; }
    public IReadOnlyDictionary<string, string>? Config { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public string? WeightsArtifactId { get; init; }
    public DateTimeOffset? RegisteredAt { get; init; }

    public static bool IsTextFamily(string? family) => family is "gpt" or "lstm";
}

public sealed class RunsClient(AigcClient client)
{
    public const string Path = "api/runs";

    public Task<RunAccepted> StartAsync(StartRunRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<RunAccepted>(Path, request, cancellationToken);

    public Task<IReadOnlyList<RunInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<RunInfo>>(Path, cancellationToken);

    public Task<RunInfo> GetAsync(Guid runId, CancellationToken cancellationToken = default) =>
        client.GetAsync<RunInfo>($"{Path}/{runId}", cancellationToken);

    public Task CancelAsync(Guid runId, CancellationToken cancellationToken = default) =>
        client.SendAsync(HttpMethod.Post, $"{Path}/{runId}/cancel", cancellationToken: cancellationToken);

    public Task<IReadOnlyList<RunSnapshot>> SnapshotsAsync(Guid runId, CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<RunSnapshot>>($"{Path}/{runId}/snapshots", cancellationToken);

    public Task<byte[]> SnapshotAsync(Guid runId, string artifactId, CancellationToken cancellationToken = default) =>
        client.GetBytesAsync($"{Path}/{runId}/snapshots/{AigcClient.Escape(artifactId)}", cancellationToken);

    /// <summary>The run's live events: "state" (the run, first), then queued, started, progress..., and completed, failed or cancelled.</summary>
    public IAsyncEnumerable<ServerSentEvent> EventsAsync(Guid runId, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/{runId}/events", cancellationToken: cancellationToken);

    /// <summary>Follows a run's events and stops after its final event.</summary>
    public async IAsyncEnumerable<ServerSentEvent> WatchAsync(Guid runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in EventsAsync(runId, cancellationToken))
        {
            yield return item;
            if (IsFinalEvent(item)) yield break;
        }
    }

    public static bool IsFinalEvent(ServerSentEvent item) =>
        item.Type is "completed" or "failed" or "cancelled"
        || (item.Type == "state" && TryStatus(item.Data) is { } status && RunStatus.IsFinal(status));

    /// <summary>Reads a progress event (null for other events).</summary>
    public static RunProgress? Progress(ServerSentEvent item)
    {
        if (item.Type != "progress") return null;
        try
        {
            return item.As<RunProgress>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? TryStatus(string data)
    {
        try
        {
            using var json = JsonDocument.Parse(data);
            return json.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed class SweepsClient(AigcClient client)
{
    public const string Path = "api/sweeps";

    public Task<SweepAccepted> StartAsync(SweepRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<SweepAccepted>(Path, request, cancellationToken);

    public Task<IReadOnlyList<SweepInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<SweepInfo>>(Path, cancellationToken);

    public Task<SweepInfo> GetAsync(Guid sweepId, CancellationToken cancellationToken = default) =>
        client.GetAsync<SweepInfo>($"{Path}/{sweepId}", cancellationToken);

    /// <summary>Cancels every run of the sweep that has not ended (the API has no sweep-level cancel): the runs asked to stop.</summary>
    public async Task<IReadOnlyList<Guid>> CancelAsync(Guid sweepId, CancellationToken cancellationToken = default)
    {
        var sweep = await GetAsync(sweepId, cancellationToken);
        var cancelled = new List<Guid>();
        foreach (var run in (sweep.Runs ?? []).Where(r => !r.IsFinished))
        {
            try
            {
                await client.Runs.CancelAsync(run.Id, cancellationToken);
                cancelled.Add(run.Id);
            }
            catch (AigcApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // It ended meanwhile.
            }
        }
        return cancelled;
    }
}

public sealed class ModelsClient(AigcClient client)
{
    public const string Path = "api/models";

    public Task<IReadOnlyList<ModelInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<ModelInfo>>(Path, cancellationToken);

    public Task<ModelInfo> GetAsync(Guid modelId, CancellationToken cancellationToken = default) =>
        client.GetAsync<ModelInfo>($"{Path}/{modelId}", cancellationToken);
}
