namespace AigcMesh.Contracts.Datasets;

/// <summary>
/// Command: import a data set. The source is either an uploaded file already in the artifact store
/// (<see cref="SourceArtifactIds"/>) or a server-side path under a configured import root.
/// </summary>
public sealed record ImportDataset(
    Guid CorrelationId,
    Guid ImportId,
    string Name,
    DatasetSourceKind SourceKind,
    IReadOnlyList<string> SourceArtifactIds,
    string? ServerPath,
    DatasetImportOptions Options) : IPipelineMessage;

/// <summary>Preprocessing choices; recorded in the data set's manifest so the import can be reproduced.</summary>
public sealed record DatasetImportOptions(
    int ImageSize = 28,
    int Channels = 1,
    double ValidationFraction = 0.1,
    double TestFraction = 0.1,
    int Seed = 1234,
    int BpeVocabularySize = 512,
    string JsonTextField = "text");
