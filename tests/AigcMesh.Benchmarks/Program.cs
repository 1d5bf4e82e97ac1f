using AigcMesh.Benchmarks;

// Usage: dotnet run -c Release --project tests/AigcMesh.Benchmarks -- <name> [options]   (no name: the list)
var benchmarks = BenchmarkCatalog.Discover();
if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("Benchmarks (dotnet run -c Release --project tests/AigcMesh.Benchmarks -- <name> [options]):");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-24} {b.Description}");
    return args.Length == 0 ? 1 : 0;
}

var benchmark = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (benchmark is null)
{
    Console.Error.WriteLine($"Unknown benchmark '{args[0]}'. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}.");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await benchmark.RunAsync(args[1..], cancel.Token);
