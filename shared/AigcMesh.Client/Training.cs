using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AigcMesh.Client;

public sealed record TrainingBudgetRequest(int? MaxSteps = null, double? MaxWallSeconds = null);

public sealed record StartRunRequest(
    string DatasetId,
    string Family,
    IReadOnlyDictionary<string, string>? Hyperparameters = null,
    TrainingBudgetRequest? Budget = null,
    int? Seed = null,
    string? Device = null);

public sealed record RunInfo : ApiResource
{
    public Guid Id { get; init; }
    public string? DatasetId { get; init; }
    public string? Family { get; init; }
    public string? Status { get; init; }
    public int? Step { get; init; }
    public int? TotalSteps { get; init; }
    public Guid? ModelId { get; init; }
    public Guid? SweepId { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyDictionary<string, double>? Losses { get; init; }
    public double? ItemsPerSecond { get; init; }

    public bool IsFinished => RunStatus.IsFinal(Status);
}

public static class RunStatus
{
    public static bool IsFinal(string? status) => status is not null && (status.Equals("completed", StringComparison.OrdinalIgnoreCase)
        || status.Equals("failed", StringComparison.OrdinalIgnoreCase) || status.Equals("cancelled", StringComparison.OrdinalIgnoreCase)
        || status.Equals("canceled", StringComparison.OrdinalIgnoreCase));
}

/// <summary>One progress event of a run's stream (event type "progress", shaped like TrainingProgressed).</summary>
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

public sealed record SweepRequest(
    string DatasetId,
    string Family,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Grid,
    string Strategy = "grid",
    int? Trials = null,
    IReadOnlyDictionary<string, string>? Hyperparameters = null,
    TrainingBudgetRequest? Budget = null,
    int? Seed = null,
    string? Device = null);

public sealed record SweepInfo : ApiResource
{
    public Guid Id { get; init; }
    public string? Status { get; init; }
    public string? DatasetId { get; init; }
    public string? Family { get; init; }
    public IReadOnlyList<RunInfo>? Runs { get; init; }
    public Guid? BestRunId { get; init; }
}

public sealed record ModelInfo : ApiResource
{
    public Guid Id { get; init; }
    public int? Version { get; init; }
    public string? Family { get; init; }
    public string? DatasetId { get; init; }
    public Guid? RunId { get; init; }
    public string? CheckpointArtifactId { get; init; }
    public IReadOnlyDictionary<string, string>? Config { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

public sealed class RunsClient(AigcClient client)
{
    public const string Path = "api/runs";

    public Task<RunInfo> StartAsync(StartRunRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<RunInfo>(Path, request, cancellationToken);

    public Task<IReadOnlyList<RunInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<RunInfo>>(Path, cancellationToken);

    public Task<RunInfo> GetAsync(Guid runId, CancellationToken cancellationToken = default) =>
        client.GetAsync<RunInfo>($"{Path}/{runId}", cancellationToken);

    public Task CancelAsync(Guid runId, CancellationToken cancellationToken = default) =>
        client.SendAsync(HttpMethod.Post, $"{Path}/{runId}/cancel", cancellationToken: cancellationToken);

    /// <summary>The run's live events (progress, started, completed, failed, cancelled) until it ends.</summary>
    public IAsyncEnumerable<ServerSentEvent> EventsAsync(Guid runId, CancellationToken cancellationToken = default) =>
        client.StreamAsync($"{Path}/{runId}/events", cancellationToken: cancellationToken);

    /// <summary>Follows a run's events and stops at its final event; progress events come typed.</summary>
    public async IAsyncEnumerable<ServerSentEvent> WatchAsync(Guid runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in EventsAsync(runId, cancellationToken))
        {
            yield return item;
            if (IsFinalEvent(item)) yield break;
        }
    }

    public static bool IsFinalEvent(ServerSentEvent item) =>
        item.Type is "completed" or "failed" or "cancelled" or "training-completed" or "training-failed" or "training-cancelled"
            or "TrainingCompleted" or "TrainingFailed" or "TrainingCancelled"
        || (item.Type == "status" && TryStatus(item.Data) is { } status && RunStatus.IsFinal(status));

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

    public Task<SweepInfo> StartAsync(SweepRequest request, CancellationToken cancellationToken = default) =>
        client.PostAsync<SweepInfo>(Path, request, cancellationToken);

    public Task<IReadOnlyList<SweepInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<SweepInfo>>(Path, cancellationToken);

    public Task<SweepInfo> GetAsync(Guid sweepId, CancellationToken cancellationToken = default) =>
        client.GetAsync<SweepInfo>($"{Path}/{sweepId}", cancellationToken);

    public Task CancelAsync(Guid sweepId, CancellationToken cancellationToken = default) =>
        client.SendAsync(HttpMethod.Post, $"{Path}/{sweepId}/cancel", cancellationToken: cancellationToken);
}

public sealed class ModelsClient(AigcClient client)
{
    public const string Path = "api/models";

    public Task<IReadOnlyList<ModelInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        client.GetAsync<IReadOnlyList<ModelInfo>>(Path, cancellationToken);

    public Task<ModelInfo> GetAsync(Guid modelId, CancellationToken cancellationToken = default) =>
        client.GetAsync<ModelInfo>($"{Path}/{modelId}", cancellationToken);
}
