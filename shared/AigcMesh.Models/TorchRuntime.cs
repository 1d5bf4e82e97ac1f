using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models;

/// <summary>Chooses the device and thread count, and seeds every random source, for one process.</summary>
public static class TorchRuntime
{
    private static readonly Lock SeedLock = new();

    /// <summary>CUDA when TorchSharp reports it and the caller allows it, else CPU.</summary>
    public static Device SelectDevice(bool allowCuda = true)
    {
        if (allowCuda && cuda.is_available())
        {
            // TF32 matmuls make CUDA training match PyTorch eager speed (TorchSharp issue 1136).
            backends.cuda.matmul.allow_tf32 = true;
            backends.cudnn.allow_tf32 = true;
            return CUDA;
        }
        return CPU;
    }

    /// <summary>Uses the machine's cores for intra-op parallelism (libtorch otherwise may oversubscribe).</summary>
    public static void UseThreads(int? threads = null) =>
        set_num_threads(Math.Max(1, threads ?? Environment.ProcessorCount));

    /// <summary>Seeds torch's generators so that runs with the same seed repeat.</summary>
    public static void Seed(long seed)
    {
        manual_seed(seed);
        if (cuda.is_available()) cuda.manual_seed_all(seed);
    }

    /// <summary>
    /// Builds something whose initialisation draws from torch's global generator (a model's weights) right after
    /// seeding it, under a lock, so two threads building models at once still get their own seed's weights.
    /// </summary>
    public static T Seeded<T>(long seed, Func<T> create)
    {
        lock (SeedLock)
        {
            manual_seed(seed);
            return create();
        }
    }
}
