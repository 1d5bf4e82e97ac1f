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
    DateTimeOffset? CompletedAt,
    Guid? ReusedFrom = null);

/// <summary>What <see cref="EvaluationStore.ClaimAsync"/> decided for one evaluation.</summary>
public enum ClaimOutcome
{
    /// <summary>Completed or failed before: nothing to do (a redelivered command).</summary>
    Finished,

    /// <summary>No evaluation with the same settings is running or done: this one runs (its status is now running).</summary>
    Run,

    /// <summary>An evaluation with the same settings had completed: its report was copied into this one.</summary>
    Reused,

    /// <summary>An evaluation with the same settings is running: this one completes (or fails) with it.</summary>
    Following,

    /// <summary>The evaluation this one followed failed: this one failed with the same reason.</summary>
    FailedWithOriginal,
}

/// <summary>The outcome and the evaluation as it now stands.</summary>
public sealed record EvaluationClaim(ClaimOutcome Outcome, EvaluationRecord Record);

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

    /// <summary>
    /// Decides, atomically across every process that shares this database (one immediate Sqlite transaction), whether
    /// the evaluation runs or reuses another with the same settings (model, sample count, references, prompt):
    /// a completed one is copied at once; a running one is followed, and completes its followers when it ends
    /// (<see cref="CompleteAsync"/>, <see cref="FailAsync"/>). Failed evaluations are never reused.
    /// </summary>
    public async Task<EvaluationClaim> ClaimAsync(Guid evaluationId, RegisteredModel model, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = await db.Evaluations.FindAsync([evaluationId], cancellationToken) ?? throw new InvalidOperationException($"Evaluation {evaluationId} is not recorded.");
        if (record.Status is EvaluationStatus.Completed or EvaluationStatus.Failed) return new EvaluationClaim(ClaimOutcome.Finished, record);
        record.DatasetId = model.DatasetId;
        record.RunId = model.RunId;
        record.Family = model.Family;

        var original = record.ReusedFromEvaluationId is { } followed
            ? await db.Evaluations.FindAsync([followed], cancellationToken)
            : (await SameSettings(db, record).Where(e => e.Status == EvaluationStatus.Completed || e.Status == EvaluationStatus.Running).ToListAsync(cancellationToken))
                .OrderBy(e => e.Status == EvaluationStatus.Completed ? 0 : 1).ThenByDescending(e => e.CompletedAt).FirstOrDefault();
        var outcome = ClaimOutcome.Run;
        if (original is null)
        {
            record.ReusedFromEvaluationId = null;
            record.Status = EvaluationStatus.Running;
        }
        else
        {
            record.ReusedFromEvaluationId = original.EvaluationId;
            outcome = original.Status switch
            {
                EvaluationStatus.Completed => ClaimOutcome.Reused,
                EvaluationStatus.Failed => ClaimOutcome.FailedWithOriginal,
                _ => ClaimOutcome.Following,
            };
            if (outcome == ClaimOutcome.Reused) CopyReport(original, record);
            else if (outcome == ClaimOutcome.FailedWithOriginal) MarkFailed(record, original.FailureReason ?? "The evaluation it reused failed.");
            else record.Status = EvaluationStatus.Running;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new EvaluationClaim(outcome, record);
    }

    /// <summary>Stores the report and copies it into every evaluation that followed this one; returns those followers.</summary>
    public Task<IReadOnlyList<EvaluationRecord>> CompleteAsync(Guid evaluationId, EvaluationReport report, double seconds, CancellationToken cancellationToken) =>
        FinishAsync(evaluationId, r =>
        {
            r.Status = EvaluationStatus.Completed;
            r.MetricsJson = JsonSerializer.Serialize(report.Metrics);
            r.BaselinesJson = JsonSerializer.Serialize(report.Baselines);
            r.NotesJson = JsonSerializer.Serialize(report.Notes);
            r.Seconds = seconds;
            r.CompletedAt = DateTimeOffset.UtcNow;
        }, CopyReport, cancellationToken);

    /// <summary>Fails the evaluation and every evaluation that followed it; returns those followers.</summary>
    public Task<IReadOnlyList<EvaluationRecord>> FailAsync(Guid evaluationId, string reason, CancellationToken cancellationToken) =>
        FinishAsync(evaluationId, r => MarkFailed(r, reason), (_, follower) => MarkFailed(follower, reason), cancellationToken);

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
        r.FailureReason, r.Seconds, r.CreatedAt, r.CompletedAt, r.ReusedFromEvaluationId);

    private static T? Read<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json);

    private static IQueryable<EvaluationRecord> SameSettings(EvaluatorDbContext db, EvaluationRecord record) =>
        db.Evaluations.Where(e => e.EvaluationId != record.EvaluationId && e.ReusedFromEvaluationId == null && e.ModelId == record.ModelId
            && e.SampleCount == record.SampleCount && e.ReferencesJson == record.ReferencesJson && e.Prompt == record.Prompt);

    private static void CopyReport(EvaluationRecord original, EvaluationRecord into)
    {
        into.Status = EvaluationStatus.Completed;
        into.MetricsJson = original.MetricsJson;
        into.BaselinesJson = original.BaselinesJson;
        into.NotesJson = original.NotesJson;
        into.Seconds = 0;
        into.CompletedAt = DateTimeOffset.UtcNow;
    }

    private static void MarkFailed(EvaluationRecord record, string reason)
    {
        record.Status = EvaluationStatus.Failed;
        record.FailureReason = reason;
        record.CompletedAt = DateTimeOffset.UtcNow;
    }

    private async Task<IReadOnlyList<EvaluationRecord>> FinishAsync(Guid evaluationId, Action<EvaluationRecord> change, Action<EvaluationRecord, EvaluationRecord> changeFollower, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = await db.Evaluations.FindAsync([evaluationId], cancellationToken) ?? throw new InvalidOperationException($"Evaluation {evaluationId} is not recorded.");
        change(record);
        var followers = await db.Evaluations
            .Where(e => e.ReusedFromEvaluationId == evaluationId && e.Status != EvaluationStatus.Completed && e.Status != EvaluationStatus.Failed)
            .ToListAsync(cancellationToken);
        foreach (var follower in followers) changeFollower(record, follower);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return followers;
    }
}
