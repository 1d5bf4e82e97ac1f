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
    /// Bounds how long libtorch's OpenMP threads spin while they wait for the next parallel region (GOMP_SPINCOUNT=3000,
    /// about 0.1 ms) before they sleep, unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is already set. Neither libgomp extreme
    /// fits a service: its default spins for milliseconds, which made GPT steps 8-10x slower when several processes share
    /// the cores (their spinning threads starve the one they wait for), and PASSIVE sleeps after every operator, which
    /// cost a third of the speed on a quiet machine (each of a step's hundreds of small operators waits for a wake-up).
    /// Measured with training-throughput (GPT, 2 threads, 2-core build machine), steps/s: quiet PASSIVE 6.5, 3000 spins
    /// 10.0, ACTIVE 10.8; under 12 busy processes PASSIVE 0.61, 3000 spins 0.54, 10000 spins 0.45 (docs/trainer.md).
    /// libgomp reads the variables when libtorch loads, so this runs before any code of this library: the process
    /// environment, not .NET's copy of it.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "must run before libtorch (and its OpenMP) loads, which any torch call here does")]
    internal static void BoundOpenMpSpinning()
    {
        if (!OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null
            || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return;
        _ = setenv("GOMP_SPINCOUNT", OpenMpSpinCount, 0);
    }

    /// <summary>The spin count set when the environment sets none (about 0.1 ms of waiting on this machine's CPUs).</summary>
    private const string OpenMpSpinCount = "3000";

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

    /// <summary>Seeds torch's generators so that runs with the same seed repeat (under the lock <see cref="Seeded"/> holds).</summary>
    public static void Seed(long seed)
    {
        lock (SeedLock)
        {
            manual_seed(seed);
            if (cuda.is_available()) cuda.manual_seed_all(seed);
        }
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

    /// <summary>
    /// Builds a module whose initial weights do not matter (trained weights load into it next) under the same lock:
    /// its layers' default initialisation draws from torch's global generator too, and a draw made while another
    /// thread is inside <see cref="Seeded"/> would change that thread's weights. Every module built outside
    /// <see cref="Seeded"/> goes through here.
    /// </summary>
    public static T Unseeded<T>(Func<T> create)
    {
        lock (SeedLock) return create();
    }
}
