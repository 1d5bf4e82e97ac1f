namespace AigcMesh.Contracts.Training;

/// <summary>Fact: a trained model is available; its weights are the artifact <see cref="CheckpointArtifactId"/>.</summary>
public sealed record ModelRegistered(
    Guid CorrelationId,
    Guid ModelId,
    int Version,
    string Family,
    string DatasetId,
    Guid RunId,
    string CheckpointArtifactId,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, double> Metrics) : IPipelineMessage;
