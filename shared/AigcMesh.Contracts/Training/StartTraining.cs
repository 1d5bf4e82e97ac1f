namespace AigcMesh.Contracts.Training;

/// <summary>
/// Command: train a model of <see cref="Family"/> (dcgan, vae, gpt, lstm) on a data set.
/// Hyperparameters are named values (for example "learning_rate" = "0.0002"); unknown names are refused.
/// </summary>
public sealed record StartTraining(
    Guid CorrelationId,
    Guid RunId,
    string DatasetId,
    string Family,
    IReadOnlyDictionary<string, string> Hyperparameters,
    TrainingBudget Budget,
    int Seed,
    DevicePreference Device,
    Guid? SweepId = null) : IPipelineMessage;
