using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace AigcMesh.Benchmarks;

/// <summary>This process's memory as Linux reports it (/proc/self/status, glibc's malloc), and the load average.</summary>
public static class ProcessMemory
{
    /// <summary>False once writing /proc/self/clear_refs failed (VmHWM then is the process's peak).</summary>
    public static bool PeakResettable { get; private set; } = true;

    /// <summary>Linux: writing 5 to /proc/self/clear_refs resets the peak resident set (VmHWM) to the current one.</summary>
    public static long ResetPeak(bool collect = true)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PeakResettable = false;
        }
        return ResidentKiB();
    }

    /// <summary>The resident set now (VmRSS), KiB.</summary>
    public static long ResidentKiB() => StatusKiB("VmRSS:") ?? Environment.WorkingSet / 1024;

    /// <summary>The peak resident set since the last reset (VmHWM), KiB.</summary>
    public static long PeakKiB() => StatusKiB("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64 / 1024;

    /// <summary>The resident set's anonymous part (heaps, stacks: RssAnon) and its file-backed part (mapped code and data: RssFile), KiB.</summary>
    public static (long AnonKiB, long FileKiB) ResidentPartsKiB() => (StatusKiB("RssAnon:") ?? 0, StatusKiB("RssFile:") ?? 0);

    private static long? StatusKiB(string field)
    {
        if (!File.Exists("/proc/self/status")) return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Bytes the native heap (glibc malloc, all arenas, mmapped chunks included) has handed out and not had back, where
    /// libtorch's CPU tensors live; null off glibc.
    /// </summary>
    public static long? NativeInUseBytes() => MallInfo() is { } info ? (long)(info.uordblks + info.hblkhd) : null;

    /// <summary>Bytes glibc malloc holds from the system (heaps of all arenas and mmapped chunks), in use or free; null off glibc.</summary>
    public static long? NativeHeldBytes() => MallInfo() is { } info ? (long)(info.arena + info.hblkhd) : null;

    /// <summary>glibc's mallinfo2 (2.33+); null elsewhere.</summary>
    private static MallInfo2? MallInfo()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return mallinfo2();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();
}
