using System.Diagnostics;
using System.Globalization;
using AigcMesh.Contracts.Training;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Benchmarks.Generator;

/// <summary>
/// "generation": the generator behind the real gateway (both in this process, on loopback, in-memory bus).
/// (1) images/s of a DCGAN at concurrency 1, 8 and 64, with and without dynamic batching (goal: batched >= 4x
/// unbatched at 64); (2) the overhead of a tiny request through gateway, generator HTTP, bus and worker, minus the
/// model's own time (goal: p50 <= 5 ms); (3) GPT tokens/s streamed over SSE through the gateway against the model's
/// own sampling loop in-process (goal: >= 0.8); (4) text batching: GPT and LSTM tokens/s over SSE through the
/// gateway at concurrency 1, 16 and 64 (streams of one model share one forward pass per step). Before (1) it times
/// the DCGAN alone in-process (forward per image at batch 1 and 64, latents, PNG encoding) and after it the service
/// with a near-free model, so the run shows where the time goes: the model's own batching ceiling and the
/// per-request cost of HTTP, gateway and bus.
/// </summary>
public sealed class GenerationBenchmark : IBenchmark
{
    public string Name => "generation";
    public string Description => "Generator: images/s with and without batching at concurrency 1/8/64, gateway+bus overhead p50/p99, GPT tokens/s vs bare, text batching tokens/s at concurrency 1/16/64.";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var seconds = ArgValue(args, "--seconds", 4.0);
        var overheadRequests = (int)ArgValue(args, "--requests", 400);
        var tokens = (int)ArgValue(args, "--tokens", 200);
        var torchThreads = (int)ArgValue(args, "--torch-threads", 0);
        var textTokens = (int)ArgValue(args, "--text-tokens", 48);
        var maxBatch = (int)ArgValue(args, "--max-batch", 64);
        if (torchThreads > 0) TorchRuntime.UseThreads(torchThreads);
        Console.WriteLine($"settings: {seconds} s per throughput point, {overheadRequests} overhead requests, {tokens} GPT tokens, {textTokens} tokens per batched text stream, max batch {maxBatch}, torch threads {TorchSharp.torch.get_num_threads()}");
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

        using var directory = new TempDirectory();
        var artifacts = Path.Combine(directory.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        var dcgan = await BenchmarkModels.ImageModelAsync(store, width: 32, latent: 64, size: 28);
        var tiny = await BenchmarkModels.ImageModelAsync(store, width: 4, latent: 2, size: 8);
        var gpt = await BenchmarkModels.GptAsync(store);
        var lstm = await BenchmarkModels.LstmAsync(store);
        var alone = ModelAloneTimings.ModelAlone(store, dcgan);

        var throughput = await ImageThroughputAsync(directory.Path, artifacts, dcgan, maxBatch, seconds, cancellationToken);
        var ratio = throughput[(true, 64)] / throughput[(false, 64)];

        // (2) and (3) with the default settings.
        await using (var mesh = await GenerationMesh.StartAsync(Path.Combine(directory.Path, "default"), artifacts, new Dictionary<string, string?>()))
        {
            await mesh.RegisterAsync(tiny);
            await mesh.RegisterAsync(gpt);
            await mesh.RegisterAsync(lstm);
            for (var i = 0; i < 50; i++) await GenerationLoad.ImagesAsync(mesh.Gateway, tiny.ModelId, i, cancellationToken);
            // The service's own capacity: a near-free model (8x8, width 4) at concurrency 64, batched. Batched images/s
            // of the real model cannot exceed this on the same cores, whatever the model costs.
            await GenerationLoad.MeasureThroughputAsync(mesh.Gateway, tiny.ModelId, 64, 1.0, cancellationToken);
            var capacity = await GenerationLoad.MeasureThroughputAsync(mesh.Gateway, tiny.ModelId, 64, seconds, cancellationToken);
            Console.WriteLine($"service capacity with a near-free model (8x8 width-4 DCGAN, model {capacity.ModelMs:F3} ms per image) at concurrency 64: {capacity.ImagesPerSecond:F0} requests/s = {2000 / capacity.ImagesPerSecond:F2} ms of the 2 cores per request (HTTP, gateway, bus, JSON, PNG); mean requests per forward pass {capacity.MeanBatch:F1}");
            // Batched images/s of the DCGAN cannot pass the service's capacity on the same cores, so neither can the speed-up
            // pass capacity / unbatched; the model alone allows at most its own batch-64 over batch-1 ratio.
            Console.WriteLine($"speed-up ceilings at concurrency 64 in this run: the service's (capacity / unbatched images/s) {capacity.ImagesPerSecond / throughput[(false, 64)]:F2}x, the model's own (forward per image at batch 1 / at batch 64) {alone.Batch1 / alone.Batch64:F2}x; measured {ratio:F2}x");
            var total = new List<double>();
            var overhead = new List<double>();
            var model = new List<double>();
            for (var i = 0; i < overheadRequests; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var modelMs = await GenerationLoad.ImagesAsync(mesh.Gateway, tiny.ModelId, i, cancellationToken);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                total.Add(ms);
                model.Add(modelMs);
                overhead.Add(ms - modelMs);
            }
            var p50 = GenerationLoad.Percentile(overhead, 0.5);
            Console.WriteLine($"tiny request end to end: p50 {GenerationLoad.Percentile(total, 0.5):F2} ms, p99 {GenerationLoad.Percentile(total, 0.99):F2} ms; model time p50 {GenerationLoad.Percentile(model, 0.5):F3} ms");
            Console.WriteLine($"gateway + bus overhead (end to end minus model time): p50 {p50:F2} ms, p99 {GenerationLoad.Percentile(overhead, 0.99):F2} ms (goal p50 <= 5 ms: {(p50 <= 5 ? "met" : "NOT met")})");

            await GenerationLoad.StreamAsync(mesh.Gateway, gpt.ModelId, 20, cancellationToken); // load and warm
            // Bare and served runs alternate; the ratio is the median of the pairs (the machine's load changes by the second).
            var pairs = new List<(double Bare, double Served)>();
            using (var bareModel = BenchmarkModels.BareGpt(store, gpt))
            {
                for (var pair = 0; pair < 5; pair++)
                    pairs.Add((BenchmarkModels.BareGptTokensPerSecond(bareModel, tokens), await GenerationLoad.StreamAsync(mesh.Gateway, gpt.ModelId, tokens, cancellationToken)));
            }
            foreach (var (b, s2) in pairs) Console.WriteLine($"GPT tokens/s pair: bare {b:F1}, served {s2:F1}, ratio {s2 / b:F2}");
            var gptRatio = pairs.Select(p => p.Served / p.Bare).Order().ElementAt(pairs.Count / 2);
            Console.WriteLine($"GPT ({gpt.Config["layers"]} layers, {gpt.Config["embedding_size"]} wide) tokens/s, medians: bare sampling loop in-process {pairs.Select(p => p.Bare).Order().ElementAt(2):F1}, streamed over SSE through the gateway {pairs.Select(p => p.Served).Order().ElementAt(2):F1}");
            Console.WriteLine($"GPT served / bare: {gptRatio:F2} (goal >= 0.8: {(gptRatio >= 0.8 ? "met" : "NOT met")})");

            // (4) Text batching: concurrent streams of one model decode together, one forward pass per step.
            foreach (var textModel in new[] { gpt, lstm })
            {
                await GenerationLoad.StreamAsync(mesh.Gateway, textModel.ModelId, 20, cancellationToken); // load and warm
                var rates = new Dictionary<int, double>();
                foreach (var concurrency in new[] { 1, 16, 64 })
                {
                    var rate = await GenerationLoad.MeasureTextAsync(mesh.Gateway, textModel, concurrency, textTokens, seconds, cancellationToken);
                    rates[concurrency] = rate.TokensPerSecond;
                    Console.WriteLine($"text {textModel.Family} concurrency {concurrency,2}: {rate.TokensPerSecond,8:F1} tokens/s ({rate.Streams} streams of {textTokens} tokens, mean rows per forward pass {rate.MeanRows:F1}, forward {rate.StepMs:F1} ms per step)");
                }
                Console.WriteLine($"text batching {textModel.Family}: tokens/s at concurrency 16 / 1 = {rates[16] / rates[1]:F2}x, 64 / 1 = {rates[64] / rates[1]:F2}x");
            }
        }
        Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>
    /// (1) Images/s of the DCGAN with and without batching at concurrency 1, 8 and 64: both generators run side by side
    /// and are measured in turns (off, on, off, on); each point keeps its best round, so load from elsewhere on the
    /// machine hurts both alike.
    /// </summary>
    private static async Task<Dictionary<(bool Batched, int Concurrency), double>> ImageThroughputAsync(string directory, string artifacts, ModelRegistered dcgan,
        int maxBatch, double seconds, CancellationToken cancellationToken)
    {
        var throughput = new Dictionary<(bool Batched, int Concurrency), double>();
        var meshes = new Dictionary<bool, GenerationMesh>();
        try
        {
            foreach (var batched in new[] { false, true })
            {
                meshes[batched] = await GenerationMesh.StartAsync(Path.Combine(directory, batched ? "batched" : "unbatched"), artifacts, new Dictionary<string, string?>
                {
                    ["Generator:Batching:Default:MaxBatchSize"] = batched ? $"{maxBatch}" : "1",
                    ["Generator:Batching:Default:MaxWaitMilliseconds"] = batched ? "4" : "0",
                    ["Generator:Limits:MaxQueuedItems"] = "4096",
                });
                await meshes[batched].RegisterAsync(dcgan);
                await GenerationLoad.ImagesAsync(meshes[batched].Gateway, dcgan.ModelId, 0, cancellationToken); // load the model
            }
            foreach (var concurrency in new[] { 1, 8, 64 })
            {
                foreach (var batched in new[] { false, true })
                    await GenerationLoad.MeasureThroughputAsync(meshes[batched].Gateway, dcgan.ModelId, concurrency, 1.0, cancellationToken); // warm-up
                for (var round = 0; round < 2; round++)
                {
                    foreach (var batched in new[] { false, true })
                    {
                        var rate = await GenerationLoad.MeasureThroughputAsync(meshes[batched].Gateway, dcgan.ModelId, concurrency, seconds / 2, cancellationToken);
                        throughput[(batched, concurrency)] = Math.Max(throughput.GetValueOrDefault((batched, concurrency)), rate.ImagesPerSecond);
                        Console.WriteLine($"images/s  batching {(batched ? "on " : "off")}  concurrency {concurrency,2}  round {round + 1}: {rate.ImagesPerSecond,8:F1}  (p50 latency {rate.P50:F1} ms, mean requests per forward pass {rate.MeanBatch:F1}, model ms per image {rate.ModelMs:F2})");
                    }
                }
            }
        }
        finally
        {
            foreach (var mesh in meshes.Values) await mesh.DisposeAsync();
        }
        foreach (var ((batched, concurrency), rate) in throughput.OrderBy(t => t.Key.Concurrency).ThenBy(t => t.Key.Batched))
            Console.WriteLine($"best images/s  batching {(batched ? "on " : "off")}  concurrency {concurrency,2}: {rate:F1}");
        var speedUp = throughput[(true, 64)] / throughput[(false, 64)];
        Console.WriteLine($"batching speed-up at concurrency 64: {speedUp:F2}x (goal >= 4x: {(speedUp >= 4 ? "met" : "NOT met")})");
        Console.WriteLine($"batching speed-up at concurrency 8: {throughput[(true, 8)] / throughput[(false, 8)]:F2}x; at 1: {throughput[(true, 1)] / throughput[(false, 1)]:F2}x");
        Console.WriteLine($"load average after the image points: {File.ReadAllText("/proc/loadavg").Trim()}");

        return throughput;
    }

    private static double ArgValue(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
