using AigcMesh.Contracts;
using AigcMesh.Contracts.Pipelines;
using AigcMesh.Contracts.Training;

namespace AigcMesh.Contracts.Tests;

public static partial class ContractSamples
{
    public static IEnumerable<IPipelineMessage> PipelinesSamples()
    {
        var pipeline = Guid.Parse("3e2a1b22-0c8d-4f40-d3b5-4a6b7c8d9e0f");
        yield return new StartPipeline(Correlation, pipeline, Dataset, "synthetic-images", "vae",
            new Dictionary<string, string> { ["learning_rate"] = "0.001" }, new TrainingBudget(200, 90.5), 7, 256,
            new PipelineSampleOptions(16, "Once upon", 80, 0.9));
        yield return new PipelineStageChanged(Correlation, pipeline, PipelineStage.Evaluation, PipelineStageStatus.Failed, "no model",
            new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        yield return new PipelineCompleted(Correlation, pipeline, Dataset, Model, Metrics, new Dictionary<string, double> { ["real_vs_real_fid"] = 1.5 },
            [Dataset], Dataset, "generated text");
        yield return new PipelineFailed(Correlation, pipeline, PipelineStage.Training, "out of memory");
    }
}
