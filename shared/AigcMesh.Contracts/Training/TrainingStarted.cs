namespace AigcMesh.Contracts.Training;

/// <summary>Fact: a trainer took the run (or resumed it from a checkpoint at <see cref="ResumedFromStep"/>).</summary>
public sealed record TrainingStarted(
    Guid CorrelationId,
    Guid RunId,
    string TrainerId,
    string Device,
    int ResumedFromStep,
    long ParameterCount) : IPipelineMessage;
