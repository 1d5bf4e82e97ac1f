using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
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
/// Peak memory is judged on a fresh process that does nothing but the import (this benchmark started again with
/// "--child import"): the long-running process above also holds the plain reads' buffers and the runtime's
/// high-water mark of every earlier round. A fresh process that only gunzips and reads is printed beside it.
/// </summary>
public sealed class DatasetImportBenchmark : IBenchmark
{
    public string Name => "dataset-import";

    public string Description => "Import Fashion-MNIST (IDX, gzip) vs plainly gunzipping it: images/s, MB/s, peak memory, ratios";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var child = Array.IndexOf(args, "--child");
        if (child < 0) MachineInfo.PrintHeader(Name);
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

        if (child >= 0) return await RunChildAsync(args[child + 1], args[child + 2], paths, cancellationToken);

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
        Console.WriteLine($"ratio peak memory/decompressed size in this process: {memoryRatio:F2} whole process, {(double)growth / decompressed:F2} import's growth");

        var freshPlain = await RunFreshProcessAsync("plain", folder, args, Path.Combine(temp.Path, "fresh-plain"), cancellationToken);
        var freshImport = await RunFreshProcessAsync("import", folder, args, Path.Combine(temp.Path, "fresh-import"), cancellationToken);
        if (freshPlain is null || freshImport is null) return 1;
        var freshRatio = freshImport.PeakKiB * 1024.0 / decompressed;
        Console.WriteLine($"fresh process, plain gunzip+read: {freshPlain.Seconds:F2} s, peak resident {freshPlain.PeakKiB / 1024.0:F0} MiB (started at {freshPlain.StartKiB / 1024.0:F0} MiB) = {freshPlain.PeakKiB * 1024.0 / decompressed:F2}x decompressed");
        Console.WriteLine($"fresh process, import: {freshImport.Seconds:F2} s, peak resident {freshImport.PeakKiB / 1024.0:F0} MiB (started at {freshImport.StartKiB / 1024.0:F0} MiB) = {freshRatio:F2}x decompressed");
        Console.WriteLine($"ratio peak memory/decompressed size, import process: {freshRatio:F2} (goal <= 4) {(freshRatio <= 4 ? "MET" : "NOT MET")}");
        return 0;
    }

    private sealed record FreshProcessFigures(double Seconds, long StartKiB, long PeakKiB);

    /// <summary>Starts this benchmark again as a child that does one thing ("plain" or "import") and reports its memory.</summary>
    private static async Task<FreshProcessFigures?> RunFreshProcessAsync(string mode, string folder, string[] args, string store, CancellationToken cancellationToken)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var arg in new[] { "dataset-import", folder }.Concat(args.Contains("--all") ? ["--all"] : Array.Empty<string>()).Concat(["--child", mode, store]))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("child ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            Console.Error.WriteLine($"The fresh {mode} process failed (exit {process.ExitCode}): {output}");
            return null;
        }
        var fields = line.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        return new FreshProcessFigures(double.Parse(fields["seconds"], CultureInfo.InvariantCulture),
            long.Parse(fields["start-kib"], CultureInfo.InvariantCulture), long.Parse(fields["peak-kib"], CultureInfo.InvariantCulture));
    }

    /// <summary>The child's one job, then one line of figures for its parent.</summary>
    private static async Task<int> RunChildAsync(string mode, string store, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var start = ProcessMemory.ResidentKiB();
        var clock = Stopwatch.StartNew();
        if (mode == "import")
        {
            await new DatasetImporter(new ArtifactStore(store), new ImportLimits())
                .ImportAsync(DatasetSourceKind.Idx, [.. paths.Select(p => SourceFile.FromDisk(p))], new DatasetImportOptions(), null, cancellationToken);
        }
        else
        {
            foreach (var path in paths)
            {
                using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
                using var buffer = new MemoryStream();
                await gzip.CopyToAsync(buffer, cancellationToken);
            }
        }
        Console.WriteLine(FormattableString.Invariant($"child mode={mode} seconds={clock.Elapsed.TotalSeconds:F3} start-kib={start} peak-kib={ProcessMemory.PeakKiB()}"));
        return 0;
    }
}
