using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models.Training;

/// <summary>
/// Weights in TorchSharp's own format (parameter names, dtypes, shapes, raw bytes: nothing runs on load). Loading
/// checks every name and shape against the model the config describes, and refuses a mismatch.
/// </summary>
public static class WeightsFile
{
    public static void Save(nn.Module module, Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        module.save(writer);
        writer.Flush();
    }

    public static void Load(nn.Module module, Stream source)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        Load(module, reader);
    }

    internal static void Load(nn.Module module, BinaryReader reader)
    {
        var expected = module.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        var loaded = new Dictionary<string, bool>();
        try
        {
            module.load(reader, strict: true, loadedParameters: loaded);
            var missing = expected.Keys.Where(k => !loaded.GetValueOrDefault(k)).ToList();
            if (missing.Count > 0) throw new InvalidDataException($"The weights lack {string.Join(", ", missing)}.");
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            // Weights load in state-dict order: the first one not loaded is where the file stopped fitting.
            var (name, shape) = expected.FirstOrDefault(p => !loaded.GetValueOrDefault(p.Key));
            var where = name is null ? "" : $" (at {name}, which the config makes [{string.Join(", ", shape)}])";
            throw new InvalidDataException($"The weights do not fit this model's config{where}: {e.Message}", e);
        }
        foreach (var (name, value) in module.state_dict())
            if (!value.shape.SequenceEqual(expected[name]))
                throw new InvalidDataException($"Weight {name} has shape [{string.Join(", ", value.shape)}], the config needs [{string.Join(", ", expected[name])}].");
    }
}
