namespace AigcMesh.Benchmarks;

/// <summary>
/// One benchmark: a name to run it by, a line saying what it measures, and the run itself, which prints its figures
/// and the ratios the issues set as goals (measured in the same run). Any public class implementing this is found.
/// </summary>
public interface IBenchmark
{
    /// <summary>The command-line name, for example "dataset-import".</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Runs the benchmark with the arguments after its name; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
