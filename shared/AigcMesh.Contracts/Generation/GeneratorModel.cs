namespace AigcMesh.Contracts.Generation;

/// <summary>
/// What a generator worker needs to load a registered model (carried on every request, so a worker that has not
/// seen the model's <c>ModelRegistered</c> event can still serve it): the family, the data set (for a text model's
/// tokenizer), the weights artifact and the model config.
/// </summary>
public sealed record GeneratorModel(
    Guid ModelId,
    int Version,
    string Family,
    string DatasetId,
    string WeightsArtifactId,
    IReadOnlyDictionary<string, string> Config);
