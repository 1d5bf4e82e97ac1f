using System.Text.Json;
using AigcMesh.Trainer.Data;
using AigcMesh.Trainer.Leases;
using AigcMesh.Trainer.Registry;

namespace AigcMesh.Trainer.Api;

public sealed record RunBudgetView(int? MaxSteps, double? MaxWallSeconds);

public sealed record RunProgressView(IReadOnlyDictionary<string, double> Losses, double LearningRate, double ItemsPerSecond, double? EtaSeconds);

public sealed record LineageView(string DatasetId, Guid RunId, Guid? ModelId);

public sealed record CheckpointView(int Step, string ArtifactId, DateTimeOffset At);

public sealed record RunView(
    Guid Id,
    string Status,
    string DatasetId,
    string Family,
    IReadOnlyDictionary<string, string> Hyperparameters,
    RunBudgetView Budget,
    int Seed,
    string DevicePreference,
    string? TrainerId,
    string? Device,
    long ParameterCount,
    int Step,
    int? TotalSteps,
    int ResumedFromStep,
    int Starts,
    RunProgressView Latest,
    IReadOnlyDictionary<string, double> FinalMetrics,
    CheckpointView? LastCheckpoint,
    Guid? ModelId,
    Guid? SweepId,
    string? Reason,
    LineageView Lineage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static RunView Of(RunRecord r, CheckpointIndex? checkpoint) => new(
        r.Id, r.Status, r.DatasetId, r.Family, Map<string>(r.HyperparametersJson), new RunBudgetView(r.MaxSteps, r.MaxWallSeconds), r.Seed,
        r.DevicePreference, r.TrainerId, r.Device, r.ParameterCount, r.Step, r.TotalSteps, r.ResumedFromStep, r.Starts,
        new RunProgressView(Map<double>(r.LossesJson), r.LearningRate, r.ItemsPerSecond, r.EtaSeconds), Map<double>(r.FinalMetricsJson),
        checkpoint is null ? null : new CheckpointView(checkpoint.Step, checkpoint.ArtifactId, checkpoint.At),
        r.ModelId, r.SweepId, r.Reason, new LineageView(r.DatasetId, r.Id, r.ModelId), r.CreatedAt, r.UpdatedAt);

    internal static Dictionary<string, T> Map<T>(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, T>>(json, RunRegistry.Json) ?? [];
}

public sealed record SnapshotView(int Step, string ArtifactId, string MediaType, string Url, DateTimeOffset At);

public sealed record ModelView(
    Guid Id,
    int Version,
    string Family,
    string DatasetId,
    Guid RunId,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, double> Metrics,
    string WeightsArtifactId,
    string WeightsUrl,
    CheckpointView? Checkpoint,
    LineageView Lineage,
    DateTimeOffset RegisteredAt)
{
    public static ModelView Of(ModelRecord m, CheckpointIndex? checkpoint) => new(
        m.Id, m.Version, m.Family, m.DatasetId, m.RunId, RunView.Map<string>(m.ConfigJson), RunView.Map<double>(m.MetricsJson),
        m.WeightsArtifactId, $"/api/models/{m.Id}/weights",
        checkpoint is null ? null : new CheckpointView(checkpoint.Step, checkpoint.ArtifactId, checkpoint.At),
        new LineageView(m.DatasetId, m.RunId, m.Id), m.RegisteredAt);
}
