using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AigcMesh.Models.Training;

/// <summary>
/// What every family's trainer shares: the step count, a noise generator of its own (seeded, checkpointed),
/// checkpoints of model and optimizers, and the weights file.
/// </summary>
internal abstract class FamilyTrainer(string family, IReadOnlyDictionary<string, string> modelConfig, long seed, Device device) : IModelTrainer
{
    protected Device Device { get; } = device;

    /// <summary>Draws the step's noise (latents, posterior samples); its state is part of the checkpoint.</summary>
    protected Generator Noise { get; } = new((ulong)seed, device);

    protected long Seed { get; } = seed;

    protected abstract nn.Module Model { get; }
    protected abstract IReadOnlyList<OptimizerHelper> Optimizers { get; }

    public string Family { get; } = family;
    public IReadOnlyDictionary<string, string> ModelConfig { get; } = modelConfig;
    public long ParameterCount => Model.parameters().Sum(p => p.numel());
    public int Step { get; protected set; }
    public abstract int ItemsPerStep { get; }
    public abstract double FlopsPerStep { get; }

    public abstract TrainStepResult TrainStep();
    public abstract IReadOnlyDictionary<string, double> Validate();
    public abstract (byte[] Content, string MediaType) Snapshot();

    public void SaveCheckpoint(Stream destination)
    {
        using var state = Noise.get_state();
        using var onCpu = state.cpu();   // a new tensor even when the state is on the CPU already: one leaked per checkpoint before
        CheckpointFile.Write(destination, Family, ModelConfig, Step, onCpu.data<byte>().ToArray(), Model, Optimizers);
    }

    public void LoadCheckpoint(Stream source)
    {
        var (step, generatorState) = CheckpointFile.Read(source, Family, ModelConfig, Model, Optimizers);
        using var state = tensor(generatorState);
        Noise.set_state(state);
        Step = step;
    }

    public void SaveWeights(Stream destination) => WeightsFile.Save(Model, destination);

    public void Dispose()
    {
        foreach (var optimizer in Optimizers) optimizer.Dispose();
        Model.Dispose();
        Noise.Dispose();
    }
}
