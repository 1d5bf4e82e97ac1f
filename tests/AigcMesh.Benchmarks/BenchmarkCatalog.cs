namespace AigcMesh.Benchmarks;

/// <summary>Finds every <see cref="IBenchmark"/> in this assembly, so each area adds its benchmark in its own file.</summary>
public static class BenchmarkCatalog
{
    public static IReadOnlyList<IBenchmark> Discover() =>
        typeof(BenchmarkCatalog).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
}
