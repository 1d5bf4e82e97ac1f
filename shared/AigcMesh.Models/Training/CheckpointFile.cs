using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AigcMesh.Models.Training;

/// <summary>
/// A checkpoint: a small header (family, config, step, noise-generator state) followed by the model's weights and
/// each optimizer's state, all in TorchSharp's own format. The data cursor is a function of (seed, step), so the
/// step restores it.
/// </summary>
internal static class CheckpointFile
{
    private const string Magic = "AIGCMESH-CHECKPOINT";
    private const int Version = 1;

    public static void Write(Stream destination, string family, IReadOnlyDictionary<string, string> config, int step,
        byte[] generatorState, nn.Module model, IReadOnlyList<OptimizerHelper> optimizers)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(family);
        writer.Write(config.Count);
        foreach (var (key, value) in config.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(key);
            writer.Write(value);
        }
        writer.Write(step);
        writer.Write(generatorState.Length);
        writer.Write(generatorState);
        model.save(writer);
        foreach (var optimizer in optimizers) optimizer.save_state_dict(writer);
        writer.Flush();
    }

    /// <summary>Restores model and optimizers in place; returns the step and the noise-generator state.</summary>
    public static (int Step, byte[] GeneratorState) Read(Stream source, string family, IReadOnlyDictionary<string, string> config,
        nn.Module model, IReadOnlyList<OptimizerHelper> optimizers)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException("Not an AigcMesh checkpoint.");
            var version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"Checkpoint version {version} is not supported.");
            var savedFamily = reader.ReadString();
            if (savedFamily != family) throw new InvalidDataException($"The checkpoint is of family {savedFamily}, not {family}.");
            var count = reader.ReadInt32();
            var saved = new Dictionary<string, string>();
            for (var i = 0; i < count; i++) saved[reader.ReadString()] = reader.ReadString();
            var differences = config.Keys.Union(saved.Keys)
                .Where(k => config.GetValueOrDefault(k) != saved.GetValueOrDefault(k)).Order(StringComparer.Ordinal).ToList();
            if (differences.Count > 0)
                throw new InvalidDataException($"The checkpoint's config differs in {string.Join(", ", differences)}.");
            var step = reader.ReadInt32();
            var generatorState = reader.ReadBytes(reader.ReadInt32());
            WeightsFile.Load(model, reader);
            foreach (var optimizer in optimizers) optimizer.load_state_dict(reader);
            return (step, generatorState);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The checkpoint is truncated.", e);
        }
    }
}
