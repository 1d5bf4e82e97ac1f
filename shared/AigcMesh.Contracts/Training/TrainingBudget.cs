namespace AigcMesh.Contracts.Training;

/// <summary>How long a run may train: a step count, a wall-clock limit, or both (whichever comes first).</summary>
public sealed record TrainingBudget(int? MaxSteps, double? MaxWallSeconds);
