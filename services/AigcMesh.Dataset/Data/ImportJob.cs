using AigcMesh.Contracts.Datasets;

namespace AigcMesh.Dataset.Data;

public enum ImportState
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>One import: what was asked, how far it got, and how it ended (the data set, or the reason it failed).</summary>
public sealed class ImportJob
{
    public Guid Id { get; set; }
    public Guid CorrelationId { get; set; }
    public required string Name { get; set; }
    public DatasetSourceKind SourceKind { get; set; }
    public ImportState State { get; set; }
    public string? Stage { get; set; }
    public long ItemsDone { get; set; }
    public long? ItemsTotal { get; set; }
    public string? DatasetId { get; set; }
    public bool AlreadyExisted { get; set; }
    public string? Error { get; set; }

    /// <summary>The uploaded files' names (JSON array, in the order of the command's artifact ids), when uploaded here.</summary>
    public string? SourceNames { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool Finished => State is ImportState.Succeeded or ImportState.Failed;
}
