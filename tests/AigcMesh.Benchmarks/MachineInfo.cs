using System.Runtime.InteropServices;

namespace AigcMesh.Benchmarks;

/// <summary>One line naming the machine a benchmark ran on, printed first so figures are never read without it.</summary>
public static class MachineInfo
{
    public static string Describe() =>
        $"{RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, " +
        $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";

    public static void PrintHeader(string benchmark) => Console.WriteLine($"# {benchmark} on {Describe()}");
}
