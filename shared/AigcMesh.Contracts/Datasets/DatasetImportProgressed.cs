namespace AigcMesh.Contracts.Datasets;

/// <summary>Fact: a long import made progress (items processed so far, of an estimate when known).</summary>
public sealed record DatasetImportProgressed(
    Guid CorrelationId,
    Guid ImportId,
    string Stage,
    long ItemsDone,
    long? ItemsTotal) : IPipelineMessage;
