using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.Importing;
using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Benchmarks.Dataset;

/// <summary>
/// Imports Fashion-MNIST's training set (60,000 images; "--all" adds the 10,000 test images) and compares it with
/// plainly gunzipping and reading the same files in the same run. Goals (issue 3): import time at most 2x the plain
/// read, peak memory at most 4x the decompressed size. The machine is shared and noisy, so after one warm-up of
/// each (its cold figures are printed too) the two alternate "--rounds" times (default 3), each import into a fresh
/// store; the goal is judged on the median of the per-round ratios, and every round is printed.
/// </summary>
public sealed class DatasetImportBenchmark : IBenchmark
{
    public string Name => "dataset-import";

    public string Description => "Import Fashion-MNIST (IDX, gzip) vs plainly gunzipping it: images/s, MB/s, peak memory, ratios";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var folder = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "/usr/share/datasets/fashion-mnist";
        var prefixes = args.Contains("--all") ? new[] { "train", "t10k" } : new[] { "train" };
        var roundsAt = Array.IndexOf(args, "--rounds");
        var rounds = roundsAt >= 0 && roundsAt + 1 < args.Length ? int.Parse(args[roundsAt + 1], CultureInfo.InvariantCulture) : 3;
        var paths = prefixes.SelectMany(p => new[] { $"{p}-images-idx3-ubyte.gz", $"{p}-labels-idx1-ubyte.gz" }).Select(f => Path.Combine(folder, f)).ToList();
        if (paths.Any(p => !File.Exists(p)))
        {
            Console.Error.WriteLine($"Fashion-MNIST is not at {folder} (Debian package dataset-fashion-mnist).");
            return 2;
        }

        using var temp = new TempDirectory();
        long decompressed = 0;
        long peak = 0;
        var sampling = false;
        using var sampler = new Timer(_ =>
        {
            if (Volatile.Read(ref sampling)) peak = Math.Max(peak, Environment.WorkingSet);
        }, null, 0, 10);

        async Task<TimeSpan> PlainAsync()
        {
            var clock = Stopwatch.StartNew();
            long total = 0;
            foreach (var path in paths)
            {
                using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
                using var buffer = new MemoryStream();
                await gzip.CopyToAsync(buffer, cancellationToken);
                total += buffer.Length;
            }
            decompressed = total;
            return clock.Elapsed;
        }

        var stores = 0;
        async Task<(TimeSpan Time, string DatasetId, long Images)> ImportAsync()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var store = new ArtifactStore(Path.Combine(temp.Path, $"store{stores++}"));
            Volatile.Write(ref sampling, true);
            var clock = Stopwatch.StartNew();
            var result = await new DatasetImporter(store, new ImportLimits())
                .ImportAsync(DatasetSourceKind.Idx, [.. paths.Select(p => SourceFile.FromDisk(p))], new DatasetImportOptions(), null, cancellationToken);
            var elapsed = clock.Elapsed;
            Volatile.Write(ref sampling, false);
            peak = Math.Max(peak, Environment.WorkingSet);
            return (elapsed, result.DatasetId, result.Manifest.Statistics.Splits.Sum(s => s.Count));
        }

        var coldPlain = await PlainAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = Environment.WorkingSet;
        peak = baseline;
        var cold = await ImportAsync();
        Console.WriteLine($"files: {string.Join(", ", paths.Select(Path.GetFileName))} ({decompressed / 1e6:F1} MB decompressed)");
        Console.WriteLine($"cold (first of each in this process): plain gunzip+read {coldPlain.TotalSeconds:F2} s, import {cold.Time.TotalSeconds:F2} s, ratio {cold.Time / coldPlain:F2}; data set {cold.DatasetId[..12]}");

        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var plain = await PlainAsync();
            var (time, id, images) = await ImportAsync();
            ratios.Add(time / plain);
            Console.WriteLine($"round {round}: plain gunzip+read {plain.TotalSeconds:F2} s; import {time.TotalSeconds:F2} s = {images / time.TotalSeconds:F0} images/s, "
                + $"{decompressed / 1e6 / time.TotalSeconds:F1} MB/s (decompressed); ratio {time / plain:F2}; data set {id[..12]}");
        }
        // The peak is sampled (every 10 ms) while imports run; the process's own peak also holds the plain reads' buffers.
        var processPeak = Process.GetCurrentProcess().PeakWorkingSet64;
        var growth = peak - baseline;
        var median = ratios.Order().ElementAt(ratios.Count / 2);
        var memoryRatio = (double)peak / decompressed;
        Console.WriteLine($"peak working set during imports: {peak / 1e6:F0} MB (whole process; before the first import {baseline / 1e6:F0} MB: +{growth / 1e6:F0} MB); "
            + $"process peak including the plain reads {processPeak / 1e6:F0} MB = {(double)processPeak / decompressed:F2}x");
        Console.WriteLine($"ratio import/plain time: median {median:F2} of {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} (goal <= 2) {(median <= 2 ? "MET" : "NOT MET")}; cold {cold.Time / coldPlain:F2}");
        Console.WriteLine($"ratio peak memory/decompressed size: {memoryRatio:F2} whole process, {(double)growth / decompressed:F2} import's growth (goal <= 4) {(memoryRatio <= 4 ? "MET" : "NOT MET")}");
        return 0;
    }
}
