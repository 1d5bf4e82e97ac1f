using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models;

/// <summary>Chooses the device and thread count, and seeds every random source, for one process.</summary>
public static class TorchRuntime
{
    private static readonly Lock SeedLock = new();

    /// <summary>
    /// Makes libtorch's OpenMP threads sleep while they wait for work instead of spinning (OMP_WAIT_POLICY=PASSIVE),
    /// unless OMP_WAIT_POLICY is already set. Measured on the shared 2-core build machine at load ~25: a GPT training step
    /// with 2 threads ran 10x faster (0.23 -> 2.34 steps/s), because spinning threads starve the one they wait for
    /// when the cores are oversubscribed (several services or processes share them). libgomp reads the variable when
    /// libtorch loads, so this runs before any code of this library: the process environment, not .NET's copy of it.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "must run before libtorch (and its OpenMP) loads, which any torch call here does")]
    internal static void WaitPassively()
    {
        const string name = "OMP_WAIT_POLICY";
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(name) is not null) return;
        _ = setenv(name, "PASSIVE", 0);
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int setenv(string name, string value, int overwrite);

    /// <summary>
    /// Hands the native heap's free pages back to the system (glibc's malloc_trim; nothing elsewhere). libtorch's CPU
    /// tensors come from malloc, which keeps freed memory for reuse: over a long run the memory it held grew by ~120 MiB
    /// over the ~170 MiB in use (trainer-memory benchmark, GPT), and the resident set with it. Returns false where not available.
    /// </summary>
    public static bool ReleaseFreeNativeMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            _ = malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);

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
