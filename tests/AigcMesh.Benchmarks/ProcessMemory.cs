using System.Diagnostics;
using System.Globalization;

namespace AigcMesh.Benchmarks;

/// <summary>The process's resident memory as Linux reports it in /proc/self/status (elsewhere: the working set).</summary>
public static class ProcessMemory
{
    /// <summary>Resident set now (VmRSS), KiB.</summary>
    public static long ResidentKiB() => StatusKiB("VmRSS:") ?? Environment.WorkingSet / 1024;

    /// <summary>Peak resident set of the process so far (VmHWM), KiB.</summary>
    public static long PeakKiB() => StatusKiB("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64 / 1024;

    private static long? StatusKiB(string field)
    {
        if (!File.Exists("/proc/self/status")) return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
