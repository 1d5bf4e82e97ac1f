namespace AigcMesh.Contracts.Datasets;

/// <summary>Fact: a data set was imported (or the same bytes were imported before and it already existed).</summary>
public sealed record DatasetImported(
    Guid CorrelationId,
    Guid ImportId,
    string DatasetId,
    string Name,
    DatasetModality Modality,
    long TrainCount,
    long ValidationCount,
    long TestCount,
    int ClassCount,
    bool AlreadyExisted) : IPipelineMessage;
