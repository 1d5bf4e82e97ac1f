using AigcMesh.Models.Tests.TestData;
using TorchSharp;

namespace AigcMesh.Models.Tests;

/// <summary>A long run's memory stays flat only if no step leaves a tensor behind: count the live tensors this thread made.</summary>
public sealed class MemoryTests
{
    public static TheoryData<string> Families => ["dcgan", "vae", "gpt", "lstm"];

    [Theory]
    [MemberData(nameof(Families))]
    public void Steps_validation_and_snapshots_leave_no_tensor_behind(string family)
    {
        using var trainer = Create(family);
        Exercise(trainer);   // optimizer state is created on the first step
        var before = LiveTensors();

        Exercise(trainer);
        Exercise(trainer);

        Assert.Equal(before, LiveTensors());
        using (var probe = torch.zeros(1)) Assert.Equal(before + 1, LiveTensors());   // the counter does see a live tensor
    }

    /// <summary>A run checkpoints every few minutes for hours (the trainer-memory benchmark saw one tensor more per checkpoint).</summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void Checkpoints_and_weights_leave_no_tensor_behind(string family)
    {
        using var trainer = Create(family);
        trainer.TrainStep();
        var before = LiveTensors();

        var after = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            trainer.SaveCheckpoint(Stream.Null);
            after.Add(LiveTensors());
            trainer.SaveWeights(Stream.Null);
            after.Add(LiveTensors());
        }

        Assert.Equal([before, before, before, before, before, before], after);
    }

    private static IModelTrainer Create(string family) => ModelFamilies.ModalityOf(family) == AigcMesh.Contracts.Datasets.DatasetModality.Image
        ? ModelFamilies.CreateTrainer(family, Tiny(family), InMemoryImageDataset.Shapes(96, 16), seed: 1)
        : ModelFamilies.CreateTrainer(family, TextFamilyTests.Tiny(family), InMemoryTextDataset.Load(5_000), seed: 1);

    private static void Exercise(IModelTrainer trainer)
    {
        trainer.TrainStep();
        trainer.Validate();
        trainer.Snapshot();
    }

    private static long LiveTensors() => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    private static Dictionary<string, string> Tiny(string family) => family == "vae"
        ? new() { ["width"] = "8", ["latent_size"] = "8", ["batch_size"] = "16" }
        : new() { ["generator_width"] = "8", ["discriminator_width"] = "8", ["latent_size"] = "8", ["batch_size"] = "16" };
}
