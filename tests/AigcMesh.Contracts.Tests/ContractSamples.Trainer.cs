using AigcMesh.Contracts.Training;

namespace AigcMesh.Contracts.Tests;

public static partial class ContractSamples
{
    public static IEnumerable<IPipelineMessage> TrainerSamples()
    {
        yield return new TrainingSweepStarted(Correlation, Guid.NewGuid(), Dataset, "dcgan", "grid", "mean_image_mse", true, [Run, Guid.NewGuid()]);
    }
}
