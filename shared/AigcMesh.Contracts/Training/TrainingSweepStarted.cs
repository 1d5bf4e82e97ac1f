namespace AigcMesh.Contracts.Training;

/// <summary>
/// Fact: a hyperparameter sweep was expanded into <see cref="RunIds"/> (each sent as its own StartTraining); the best
/// run is the one with the lowest (or, when <see cref="HigherIsBetter"/>, highest) final <see cref="PrimaryMetric"/>.
/// </summary>
public sealed record TrainingSweepStarted(
    Guid CorrelationId,
    Guid SweepId,
    string DatasetId,
    string Family,
    string Strategy,
    string PrimaryMetric,
    bool HigherIsBetter,
    IReadOnlyList<Guid> RunIds) : IPipelineMessage;
