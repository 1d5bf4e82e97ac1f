using AigcMesh.Contracts.Datasets;

namespace AigcMesh.Dataset.Data;

/// <summary>A stored data set: its id (the manifest's artifact id), the name it was first imported under, and its artifacts.</summary>
public sealed class DatasetRecord
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public DatasetModality Modality { get; set; }
    public required string SourceKind { get; set; }
    public long TrainCount { get; set; }
    public long ValidationCount { get; set; }
    public long TestCount { get; set; }
    public int ClassCount { get; set; }
    public long SizeBytes { get; set; }

    /// <summary>Every artifact the data set uses (the manifest included), space-separated; used to delete only what no other data set shares.</summary>
    public required string ArtifactIds { get; set; }

    public DateTime CreatedAt { get; set; }
}
