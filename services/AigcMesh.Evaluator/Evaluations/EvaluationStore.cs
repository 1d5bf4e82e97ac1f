using System.Text.Json;
using AigcMesh.Evaluation;
using AigcMesh.Evaluator.Data;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Evaluations;

/// <summary>An evaluation as the API shows it.</summary>
public sealed record EvaluationView(
    Guid EvaluationId,
    Guid ModelId,
    string? DatasetId,
    Guid? RunId,
    string? Family,
    string Status,
    string Trigger,
    int SampleCount,
    IReadOnlyDictionary<string, double>? Metrics,
    IReadOnlyDictionary<string, double>? Baselines,
    IReadOnlyDictionary<string, string>? Notes,
    string? FailureReason,
    double? Seconds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);

/// <summary>One leaderboard row: a model's latest completed evaluation.</summary>
public sealed record LeaderboardEntry(
    int Rank,
    Guid ModelId,
    string? Family,
    Guid? RunId,
    string DatasetId,
    Guid EvaluationId,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> Baselines,
    DateTimeOffset? CompletedAt);

public sealed record Leaderboard(string DatasetId, string SortBy, string Order, IReadOnlyList<LeaderboardEntry> Entries);

/// <summary>The evaluations table: requests, status changes and reports, and the leaderboards read from it.</summary>
public sealed class EvaluationStore(IDbContextFactory<EvaluatorDbContext> factory)
{
    /// <summary>Metrics where higher is better; every other metric sorts ascending by default.</summary>
    private static readonly HashSet<string> HigherIsBetter = ["precision", "recall", "inception_score", "class_accuracy_mean", "distinct_1", "distinct_2", "bleu", "rouge_l"];

    public async Task CreateAsync(EvaluationRecord record, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Evaluations.Add(record);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<EvaluationRecord?> FindAsync(Guid evaluationId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Evaluations.AsNoTracking().FirstOrDefaultAsync(e => e.EvaluationId == evaluationId, cancellationToken);
    }

    public async Task<IReadOnlyList<EvaluationView>> ListAsync(Guid? modelId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Evaluations.AsNoTracking();
        if (modelId is { } id) query = query.Where(e => e.ModelId == id);
        var records = await query.ToListAsync(cancellationToken);
        return records.OrderByDescending(r => r.CreatedAt).Select(ToView).ToList();
    }

    public Task MarkRunningAsync(Guid evaluationId, RegisteredModel model, CancellationToken cancellationToken) => UpdateAsync(evaluationId, r =>
    {
        r.Status = EvaluationStatus.Running;
        r.DatasetId = model.DatasetId;
        r.RunId = model.RunId;
        r.Family = model.Family;
    }, cancellationToken);

    public Task CompleteAsync(Guid evaluationId, EvaluationReport report, double seconds, CancellationToken cancellationToken) => UpdateAsync(evaluationId, r =>
    {
        r.Status = EvaluationStatus.Completed;
        r.MetricsJson = JsonSerializer.Serialize(report.Metrics);
        r.BaselinesJson = JsonSerializer.Serialize(report.Baselines);
        r.NotesJson = JsonSerializer.Serialize(report.Notes);
        r.Seconds = seconds;
        r.CompletedAt = DateTimeOffset.UtcNow;
    }, cancellationToken);

    public Task FailAsync(Guid evaluationId, string reason, CancellationToken cancellationToken) => UpdateAsync(evaluationId, r =>
    {
        r.Status = EvaluationStatus.Failed;
        r.FailureReason = reason;
        r.CompletedAt = DateTimeOffset.UtcNow;
    }, cancellationToken);

    /// <summary>Every model of the data set with its latest completed evaluation, ranked by <paramref name="sortBy"/> (default fd for images, bits_per_char for text).</summary>
    public async Task<Leaderboard> LeaderboardAsync(string datasetId, string? sortBy, string? order, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var records = await db.Evaluations.AsNoTracking()
            .Where(e => e.DatasetId == datasetId && e.Status == EvaluationStatus.Completed)
            .ToListAsync(cancellationToken);
        var latest = records.GroupBy(r => r.ModelId).Select(g => g.OrderByDescending(r => r.CompletedAt).First()).Select(ToView).ToList();
        var key = sortBy ?? (latest.Any(v => v.Metrics?.ContainsKey("fd") == true) ? "fd" : "bits_per_char");
        var descending = order is null ? HigherIsBetter.Contains(key) : order.Equals("desc", StringComparison.OrdinalIgnoreCase);
        var withValue = latest.Where(v => v.Metrics?.ContainsKey(key) == true);
        var ranked = (descending ? withValue.OrderByDescending(v => v.Metrics![key]) : withValue.OrderBy(v => v.Metrics![key]))
            .Concat(latest.Where(v => v.Metrics?.ContainsKey(key) != true))
            .Select((v, i) => new LeaderboardEntry(i + 1, v.ModelId, v.Family, v.RunId, datasetId, v.EvaluationId, v.Metrics ?? new Dictionary<string, double>(), v.Baselines ?? new Dictionary<string, double>(), v.CompletedAt))
            .ToList();
        return new Leaderboard(datasetId, key, descending ? "desc" : "asc", ranked);
    }

    public static EvaluationView ToView(EvaluationRecord r) => new(
        r.EvaluationId, r.ModelId, r.DatasetId, r.RunId, r.Family, r.Status, r.Trigger, r.SampleCount,
        Read<Dictionary<string, double>>(r.MetricsJson), Read<Dictionary<string, double>>(r.BaselinesJson), Read<Dictionary<string, string>>(r.NotesJson),
        r.FailureReason, r.Seconds, r.CreatedAt, r.CompletedAt);

    private static T? Read<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json);

    private async Task UpdateAsync(Guid evaluationId, Action<EvaluationRecord> change, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var record = await db.Evaluations.FindAsync([evaluationId], cancellationToken) ?? throw new InvalidOperationException($"Evaluation {evaluationId} is not recorded.");
        change(record);
        await db.SaveChangesAsync(cancellationToken);
    }
}
