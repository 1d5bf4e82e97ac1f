namespace AigcMesh.Contracts.Pipelines;

/// <summary>The stages of a pipeline, in order.</summary>
public enum PipelineStage
{
    Dataset,
    Training,
    Evaluation,
    Generation,
}

public enum PipelineStageStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    /// <summary>Not run: an earlier stage failed.</summary>
    Skipped,
}
