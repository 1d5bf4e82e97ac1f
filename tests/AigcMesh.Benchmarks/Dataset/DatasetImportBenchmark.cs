using System.Diagnostics;
using System.IO.Compression;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Importing;
using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Benchmarks.Dataset;

/// <summary>
/// Imports Fashion-MNIST's training set (60,000 images; "--all" adds the 10,000 test images) and compares it with
/// plainly gunzipping and reading the same files in the same run. Goals (issue 3): import time at most 2x the plain
/// read, peak memory at most 4x the decompressed size.
/// </summary>
public sealed class DatasetImportBenchmark : IBenchmark
{
    public string Name => "dataset-import";

    public string Description => "Import Fashion-MNIST (IDX, gzip) vs plainly gunzipping it: images/s, MB/s, peak memory, ratios";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var folder = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "/usr/share/datasets/fashion-mnist";
        var prefixes = args.Contains("--all") ? new[] { "train", "t10k" } : new[] { "train" };
        var paths = prefixes.SelectMany(p => new[] { $"{p}-images-idx3-ubyte.gz", $"{p}-labels-idx1-ubyte.gz" }).Select(f => Path.Combine(folder, f)).ToList();
        if (paths.Any(p => !File.Exists(p)))
        {
            Console.Error.WriteLine($"Fashion-MNIST is not at {folder} (Debian package dataset-fashion-mnist).");
            return 2;
        }

        // Baseline: gunzip every file and read all of its bytes into memory.
        var plain = Stopwatch.StartNew();
        long decompressed = 0;
        foreach (var path in paths)
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            await gzip.CopyToAsync(buffer, cancellationToken);
            decompressed += buffer.Length;
        }
        plain.Stop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = Environment.WorkingSet;

        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var peak = baseline;
        using var sampler = new Timer(_ => peak = Math.Max(peak, Environment.WorkingSet), null, 0, 10);
        var import = Stopwatch.StartNew();
        var result = await new DatasetImporter(store, new ImportLimits())
            .ImportAsync(DatasetSourceKind.Idx, [.. paths.Select(p => SourceFile.FromDisk(p))], new DatasetImportOptions(), null, cancellationToken);
        import.Stop();
        peak = Math.Max(peak, Environment.WorkingSet);
        peak = Math.Max(peak, Process.GetCurrentProcess().PeakWorkingSet64);

        var images = result.Manifest.Statistics.Splits.Sum(s => s.Count);
        var growth = peak - baseline;
        Console.WriteLine($"files: {string.Join(", ", paths.Select(Path.GetFileName))} ({decompressed / 1e6:F1} MB decompressed)");
        Console.WriteLine($"plain gunzip+read: {plain.Elapsed.TotalSeconds:F2} s");
        Console.WriteLine($"import: {import.Elapsed.TotalSeconds:F2} s, {images / import.Elapsed.TotalSeconds:F0} images/s, {decompressed / 1e6 / import.Elapsed.TotalSeconds:F1} MB/s (decompressed), data set {result.DatasetId[..12]}");
        Console.WriteLine($"peak working set: {peak / 1e6:F0} MB (process, after the baseline's {baseline / 1e6:F0} MB: +{growth / 1e6:F0} MB)");
        var timeRatio = import.Elapsed.TotalSeconds / plain.Elapsed.TotalSeconds;
        var memoryRatio = (double)peak / decompressed;
        Console.WriteLine($"ratio import/plain time: {timeRatio:F2} (goal <= 2) {(timeRatio <= 2 ? "MET" : "NOT MET")}");
        Console.WriteLine($"ratio peak memory/decompressed size: {memoryRatio:F2} whole process, {(double)growth / decompressed:F2} import's growth (goal <= 4) {(memoryRatio <= 4 ? "MET" : "NOT MET")}");
        return 0;
    }
}
