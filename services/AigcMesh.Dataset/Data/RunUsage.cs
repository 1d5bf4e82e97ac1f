namespace AigcMesh.Dataset.Data;

/// <summary>
/// A training run as the training facts tell it: the data set it uses (from StartTraining) and whether it ended
/// (TrainingCompleted, TrainingFailed, TrainingCancelled). Facts may arrive in any order: a run that ended before its
/// start was seen stays ended.
/// </summary>
public sealed class RunUsage
{
    public Guid RunId { get; set; }
    public string? DatasetId { get; set; }
    /// <summary>When its StartTraining was last seen (equal to <see cref="LastSeenAt"/> until a trainer reports on it).</summary>
    public DateTime? StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }

    /// <summary>When a fact about the run was last seen (start, progress).</summary>
    public DateTime LastSeenAt { get; set; }
    public string? EndedBy { get; set; }
}
