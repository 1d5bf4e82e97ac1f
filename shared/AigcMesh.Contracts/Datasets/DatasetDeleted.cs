namespace AigcMesh.Contracts.Datasets;

/// <summary>Fact: a data set and its shards were deleted.</summary>
public sealed record DatasetDeleted(Guid CorrelationId, string DatasetId) : IPipelineMessage;
