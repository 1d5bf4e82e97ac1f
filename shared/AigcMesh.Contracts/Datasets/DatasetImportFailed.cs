namespace AigcMesh.Contracts.Datasets;

/// <summary>Fact: an import was refused or failed; nothing of it was kept.</summary>
public sealed record DatasetImportFailed(
    Guid CorrelationId,
    Guid ImportId,
    string Name,
    string Reason) : IPipelineMessage;
