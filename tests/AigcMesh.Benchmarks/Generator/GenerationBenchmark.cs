using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Gateway;
using AigcMesh.Gateway.Security;
using AigcMesh.Generator;
using AigcMesh.Generator.Api;
using AigcMesh.Generator.Registry;
using AigcMesh.Hosting;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

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
    private const string ApiKey = "amk_generation_benchmark";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        var dcgan = await ImageModelAsync(store, width: 32, latent: 64, size: 28);
        var tiny = await ImageModelAsync(store, width: 4, latent: 2, size: 8);
        var gpt = await GptAsync(store);
        var lstm = await LstmAsync(store);
        var alone = ModelAlone(store, dcgan);

        // (1) Throughput with and without batching: both generators run side by side and are measured in turns
        // (off, on, off, on); each point keeps its best round, so load from elsewhere on the machine hurts both alike.
        var throughput = new Dictionary<(bool Batched, int Concurrency), double>();
        var meshes = new Dictionary<bool, Mesh>();
        try
        {
            foreach (var batched in new[] { false, true })
            {
                meshes[batched] = await Mesh.StartAsync(Path.Combine(directory.Path, batched ? "batched" : "unbatched"), artifacts, new Dictionary<string, string?>
                {
                    ["Generator:Batching:Default:MaxBatchSize"] = batched ? $"{maxBatch}" : "1",
                    ["Generator:Batching:Default:MaxWaitMilliseconds"] = batched ? "4" : "0",
                    ["Generator:Limits:MaxQueuedItems"] = "4096",
                });
                await meshes[batched].RegisterAsync(dcgan);
                await ImagesAsync(meshes[batched].Gateway, dcgan.ModelId, 0, cancellationToken); // load the model
            }
            foreach (var concurrency in new[] { 1, 8, 64 })
            {
                foreach (var batched in new[] { false, true })
                    await MeasureThroughputAsync(meshes[batched].Gateway, dcgan.ModelId, concurrency, 1.0, cancellationToken); // warm-up
                for (var round = 0; round < 2; round++)
                {
                    foreach (var batched in new[] { false, true })
                    {
                        var rate = await MeasureThroughputAsync(meshes[batched].Gateway, dcgan.ModelId, concurrency, seconds / 2, cancellationToken);
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
        var ratio = throughput[(true, 64)] / throughput[(false, 64)];
        Console.WriteLine($"batching speed-up at concurrency 64: {ratio:F2}x (goal >= 4x: {(ratio >= 4 ? "met" : "NOT met")})");
        Console.WriteLine($"batching speed-up at concurrency 8: {throughput[(true, 8)] / throughput[(false, 8)]:F2}x; at 1: {throughput[(true, 1)] / throughput[(false, 1)]:F2}x");
        Console.WriteLine($"load average after the image points: {File.ReadAllText("/proc/loadavg").Trim()}");

        // (2) and (3) with the default settings.
        await using (var mesh = await Mesh.StartAsync(Path.Combine(directory.Path, "default"), artifacts, new Dictionary<string, string?>()))
        {
            await mesh.RegisterAsync(tiny);
            await mesh.RegisterAsync(gpt);
            await mesh.RegisterAsync(lstm);
            for (var i = 0; i < 50; i++) await ImagesAsync(mesh.Gateway, tiny.ModelId, i, cancellationToken);
            // The service's own capacity: a near-free model (8x8, width 4) at concurrency 64, batched. Batched images/s
            // of the real model cannot exceed this on the same cores, whatever the model costs.
            await MeasureThroughputAsync(mesh.Gateway, tiny.ModelId, 64, 1.0, cancellationToken);
            var capacity = await MeasureThroughputAsync(mesh.Gateway, tiny.ModelId, 64, seconds, cancellationToken);
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
                var modelMs = await ImagesAsync(mesh.Gateway, tiny.ModelId, i, cancellationToken);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                total.Add(ms);
                model.Add(modelMs);
                overhead.Add(ms - modelMs);
            }
            var p50 = Percentile(overhead, 0.5);
            Console.WriteLine($"tiny request end to end: p50 {Percentile(total, 0.5):F2} ms, p99 {Percentile(total, 0.99):F2} ms; model time p50 {Percentile(model, 0.5):F3} ms");
            Console.WriteLine($"gateway + bus overhead (end to end minus model time): p50 {p50:F2} ms, p99 {Percentile(overhead, 0.99):F2} ms (goal p50 <= 5 ms: {(p50 <= 5 ? "met" : "NOT met")})");

            await StreamAsync(mesh.Gateway, gpt.ModelId, 20, cancellationToken); // load and warm
            // Bare and served runs alternate; the ratio is the median of the pairs (the machine's load changes by the second).
            var pairs = new List<(double Bare, double Served)>();
            using (var bareModel = BareGpt(store, gpt))
            {
                for (var pair = 0; pair < 5; pair++)
                    pairs.Add((BareGptTokensPerSecond(bareModel, tokens), await StreamAsync(mesh.Gateway, gpt.ModelId, tokens, cancellationToken)));
            }
            foreach (var (b, s2) in pairs) Console.WriteLine($"GPT tokens/s pair: bare {b:F1}, served {s2:F1}, ratio {s2 / b:F2}");
            var gptRatio = pairs.Select(p => p.Served / p.Bare).Order().ElementAt(pairs.Count / 2);
            Console.WriteLine($"GPT ({gpt.Config["layers"]} layers, {gpt.Config["embedding_size"]} wide) tokens/s, medians: bare sampling loop in-process {pairs.Select(p => p.Bare).Order().ElementAt(2):F1}, streamed over SSE through the gateway {pairs.Select(p => p.Served).Order().ElementAt(2):F1}");
            Console.WriteLine($"GPT served / bare: {gptRatio:F2} (goal >= 0.8: {(gptRatio >= 0.8 ? "met" : "NOT met")})");

            // (4) Text batching: concurrent streams of one model decode together, one forward pass per step.
            foreach (var textModel in new[] { gpt, lstm })
            {
                await StreamAsync(mesh.Gateway, textModel.ModelId, 20, cancellationToken); // load and warm
                var rates = new Dictionary<int, double>();
                foreach (var concurrency in new[] { 1, 16, 64 })
                {
                    var rate = await MeasureTextAsync(mesh.Gateway, textModel, concurrency, textTokens, seconds, cancellationToken);
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
    /// The DCGAN alone in-process, on this thread: the forward pass per image at batch 1 and 64 with 1 and 2 torch
    /// threads, in wall time and in the process's CPU time (the model's own ceiling for what batching can gain on these
    /// cores; CPU time is what the other engineers' load does not inflate), the output layer as oneDNN's
    /// ConvTranspose2d and as the GEMM + col2im the model now uses, the latents and PNG encoding per image.
    /// Returns the forward ms per image at batch 1 and 64 (wall, libtorch's default threads).
    /// </summary>
    private static (double Batch1, double Batch64) ModelAlone(ArtifactStore store, ModelRegistered dcgan)
    {
        using var weights = store.OpenRead(ArtifactId.Parse(dcgan.CheckpointArtifactId));
        using var model = ModelFamilies.LoadImageModel(dcgan.Family, dcgan.Config, weights);
        var latents = Enumerable.Range(0, 64).Select(i => model.Latent(i)).ToList();
        var one = latents.Take(1).ToList();
        model.GenerateFromLatents(latents);
        var defaultThreads = TorchSharp.torch.get_num_threads();
        var result = (Batch1: 0.0, Batch64: 0.0);
        foreach (var threads in new[] { 1, 2 }.Append(defaultThreads).Distinct())
        {
            TorchSharp.torch.set_num_threads(threads);
            var single = Timed(() => model.GenerateFromLatents(one), 64);
            var batch = Timed(() => model.GenerateFromLatents(latents), 2);
            Console.WriteLine($"DCGAN alone, {threads} torch thread(s) (best of 5): forward per image at batch 1 {single.Wall:F3} ms wall ({single.Cpu:F3} ms CPU), at batch 64 {batch.Wall / 64:F3} ms wall ({batch.Cpu / 64:F3} ms CPU): the model's own batching ceiling {single.Wall / (batch.Wall / 64):F2}x wall, {single.Cpu / (batch.Cpu / 64):F2}x CPU");
            if (threads == defaultThreads) result = (single.Wall, batch.Wall / 64);
        }
        TorchSharp.torch.set_num_threads(defaultThreads);
        OutputLayerAlone();
        var draw = Timed(() => model.Latent(7), 256).Wall;
        var images = model.GenerateFromLatents(latents);
        var image = images.Slice(5);   // what a one-image request encodes
        var png = Timed(() => AigcMesh.Generator.Inference.PngCodec.EncodeAll(image), 256).Wall;
        var sixteen = images.Slice(0, 16);
        var png16 = Timed(() => AigcMesh.Generator.Inference.PngCodec.EncodeAll(sixteen), 16).Wall / 16;
        Console.WriteLine($"latent draw {draw * 1000:F0} us, PNG encode {png * 1000:F0} us per image (one-image request), {png16 * 1000:F0} us per image in a 16-image request");
        return result;
    }

    /// <summary>The DCGAN's output layer (64 -> 1 channels, 14x14 -> 28x28) as oneDNN's ConvTranspose2d and as GemmConvTranspose2d.</summary>
    private static void OutputLayerAlone()
    {
        using var onednn = TorchSharp.torch.nn.ConvTranspose2d(64, 1, 4, stride: 2, padding: 1);
        using var gemm = new AigcMesh.Models.Families.GemmConvTranspose2d(64, 1, 4, 2, 1);
        using var grad = TorchSharp.torch.no_grad();
        var threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        foreach (var batch in new[] { 1, 64 })
        {
            using var input = TorchSharp.torch.randn(batch, 64, 14, 14);
            var a = Timed(() => onednn.forward(input).Dispose(), batch == 1 ? 256 : 16);
            var b = Timed(() => gemm.forward(input).Dispose(), batch == 1 ? 256 : 16);
            Console.WriteLine($"DCGAN output layer alone at batch {batch,2}, 1 torch thread: oneDNN ConvTranspose2d {a.Cpu * 1000 / batch:F0} us CPU per image, GEMM + col2im {b.Cpu * 1000 / batch:F0} us CPU per image ({a.Cpu / b.Cpu:F1}x less)");
        }
        TorchSharp.torch.set_num_threads(threads);
    }

    /// <summary>Best of 5 rounds of <paramref name="repeat"/> runs (after one warm-up): ms per run in wall time and in the process's CPU time.</summary>
    private static (double Wall, double Cpu) Timed(Action run, int repeat)
    {
        run();
        var best = (Wall: double.MaxValue, Cpu: double.MaxValue);
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < 5; round++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < repeat; i++) run();
            var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds / repeat;
            process.Refresh();
            best = (Math.Min(best.Wall, wall), Math.Min(best.Cpu, (process.TotalProcessorTime - cpu).TotalMilliseconds / repeat));
        }
        return best;
    }

    private static async Task<(double TokensPerSecond, int Streams, double MeanRows, double StepMs)> MeasureTextAsync(HttpClient http, ModelRegistered model, int concurrency, int tokens, double seconds, CancellationToken cancellationToken)
    {
        var passes = AigcMesh.Generator.Inference.GeneratorMetrics.BatchRequests.WithLabels(model.Family);
        var forward = AigcMesh.Generator.Inference.GeneratorMetrics.ForwardSeconds.WithLabels(model.Family);
        var (rowsBefore, passesBefore, forwardBefore) = (passes.Sum, passes.Count, forward.Sum);
        var stop = Stopwatch.StartNew();
        long total = 0;
        var streams = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            var seed = w * 1000;
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var done = await StreamDoneAsync(http, model.ModelId, tokens, seed++, cancellationToken);
                Interlocked.Add(ref total, done.GetProperty("tokenCount").GetInt32());
                Interlocked.Increment(ref streams);
            }
        }));
        var elapsed = stop.Elapsed.TotalSeconds;
        var steps = Math.Max(1, passes.Count - passesBefore);
        return (total / elapsed, streams, (passes.Sum - rowsBefore) / steps, (forward.Sum - forwardBefore) * 1000 / steps);
    }

    private static async Task<(double ImagesPerSecond, double P50, double MeanBatch, double ModelMs)> MeasureThroughputAsync(HttpClient http, Guid modelId, int concurrency, double seconds, CancellationToken cancellationToken)
    {
        var stop = Stopwatch.StartNew();
        var latencies = new List<double>[concurrency];
        var batches = new List<double>[concurrency];
        var modelMs = new List<double>[concurrency];
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            latencies[w] = [];
            batches[w] = [];
            modelMs[w] = [];
            var seed = w * 1_000_000L;
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/api/generations", new GenerationRequest(modelId, new ImageRequest(1, seed++)), Json, cancellationToken);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                batches[w].Add(double.Parse(response.Headers.GetValues("X-Batch-Requests").First(), CultureInfo.InvariantCulture));
                modelMs[w].Add(double.Parse(response.Headers.GetValues("X-Model-Milliseconds").First(), CultureInfo.InvariantCulture));
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        return (all.Count / elapsed, Percentile(all, 0.5), batches.SelectMany(b => b).Average(), modelMs.SelectMany(m => m).Average());
    }

    /// <summary>Generates one image; returns the model's own milliseconds for it.</summary>
    private static async Task<double> ImagesAsync(HttpClient http, Guid modelId, long seed, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/generations", new GenerationRequest(modelId, new ImageRequest(1, seed)), Json, cancellationToken);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return double.Parse(response.Headers.GetValues("X-Model-Milliseconds").First(), CultureInfo.InvariantCulture);
    }

    /// <summary>Tokens per second of one SSE stream through the gateway, from request to the done event.</summary>
    private static async Task<double> StreamAsync(HttpClient http, Guid modelId, int tokens, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var count = (await StreamDoneAsync(http, modelId, tokens, 1, cancellationToken)).GetProperty("tokenCount").GetInt32();
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>One SSE stream read to its end; its done event.</summary>
    private static async Task<JsonElement> StreamDoneAsync(HttpClient http, Guid modelId, int tokens, long seed, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/generations/stream?modelId={modelId}&prompt=The&maxNewTokens={tokens}&seed={seed}&temperature=1", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "event: done") break;
            if (line == "event: error") throw new InvalidOperationException(await reader.ReadLineAsync(cancellationToken));
        }
        return JsonDocument.Parse((await reader.ReadLineAsync(cancellationToken))![6..]).RootElement.Clone();
    }

    /// <summary>The same GPT loaded in-process (with its tokenizer's encoding of the prompt).</summary>
    private static BareModel BareGpt(ArtifactStore store, ModelRegistered gpt)
    {
        using var weights = store.OpenRead(ArtifactId.Parse(gpt.CheckpointArtifactId));
        var model = ModelFamilies.LoadTextModel(gpt.Family, gpt.Config, weights);
        using var data = DatasetReader.OpenText(store, gpt.DatasetId, gpt.Config["tokenizer"]);
        var prompt = data.Tokenizer.Encode("The");
        model.Sample(prompt, 20, 1.0, 0, 1.0, 1).Count(); // warm
        return new BareModel(model, prompt);
    }

    /// <summary>The model's own sampling loop (forward passes and sampling), in-process, same settings as served.</summary>
    private static double BareGptTokensPerSecond(BareModel bare, int tokens)
    {
        var started = Stopwatch.GetTimestamp();
        var count = bare.Model.Sample(bare.Prompt, tokens, 1.0, 0, 1.0, 1).Count();
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private sealed record BareModel(AigcMesh.Models.Inference.ITextModel Model, int[] Prompt) : IDisposable
    {
        public void Dispose() => Model.Dispose();
    }

    private static async Task<ModelRegistered> ImageModelAsync(ArtifactStore store, int width, int latent, int size)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(store, 64, new DatasetImportOptions(ImageSize: size));
        using var data = DatasetReader.OpenImages(store, datasetId);
        var hyperparameters = new Dictionary<string, string>
        {
            ["generator_width"] = $"{width}",
            ["discriminator_width"] = "8",
            ["latent_size"] = $"{latent}",
            ["batch_size"] = "16",
        };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Dcgan, hyperparameters, data, seed: 1);
        return Registered(store, trainer, datasetId);
    }

    private static async Task<ModelRegistered> GptAsync(ArtifactStore store)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticTextAsync(store, new DatasetImportOptions(BpeVocabularySize: 260));
        using var data = DatasetReader.OpenText(store, datasetId, "char");
        var hyperparameters = new Dictionary<string, string>
        {
            ["layers"] = "4",
            ["heads"] = "4",
            ["embedding_size"] = "128",
            ["context_length"] = "256",
            ["batch_size"] = "4",
        };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Gpt, hyperparameters, data, seed: 1);
        return Registered(store, trainer, datasetId);
    }

    private static async Task<ModelRegistered> LstmAsync(ArtifactStore store)
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticTextAsync(store, new DatasetImportOptions(BpeVocabularySize: 260));
        using var data = DatasetReader.OpenText(store, datasetId, "char");
        var hyperparameters = new Dictionary<string, string>
        {
            ["layers"] = "2",
            ["embedding_size"] = "64",
            ["hidden_size"] = "256",
            ["context_length"] = "64",
            ["batch_size"] = "4",
        };
        using var trainer = ModelFamilies.CreateTrainer(ModelFamilies.Lstm, hyperparameters, data, seed: 1);
        return Registered(store, trainer, datasetId);
    }

    private static ModelRegistered Registered(ArtifactStore store, IModelTrainer trainer, string datasetId)
    {
        trainer.TrainStep();
        using var weights = new MemoryStream();
        trainer.SaveWeights(weights);
        return new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, trainer.Family, datasetId, Guid.NewGuid(), store.Put(weights.ToArray()).Value,
            trainer.ModelConfig, new Dictionary<string, double>());
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static double ArgValue(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>A generator (HTTP API and worker on the in-memory bus) and the real gateway in front of it.</summary>
    private sealed class Mesh : IAsyncDisposable
    {
        private readonly WebApplication generator;
        private readonly WebApplication gateway;

        private Mesh(WebApplication generator, WebApplication gateway)
        {
            this.generator = generator;
            this.gateway = gateway;
            Gateway = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = AddressOf(gateway), Timeout = TimeSpan.FromSeconds(120) };
            Gateway.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, ApiKey);
        }

        public HttpClient Gateway { get; }

        public static async Task<Mesh> StartAsync(string dataDirectory, string artifacts, Dictionary<string, string?> settings)
        {
            var values = new Dictionary<string, string?>
            {
                ["Messaging:Transport"] = nameof(MessagingTransport.InMemory),
                ["Storage:DataDirectory"] = dataDirectory,
                ["Storage:ArtifactDirectory"] = artifacts,
                // One console line per request in both hosts would be measured, not the generator: log requests at Warning.
                ["Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware"] = "Warning",
            };
            foreach (var (k, v) in settings) values[k] = v;
            var builder = Builder(values);
            builder.AddServiceDefaults(GeneratorServiceModule.ServiceName);
            builder.AddGeneratorService();
            builder.AddMessaging(bus => bus.AddGeneratorConsumers());
            var generator = builder.Build();
            generator.UseServiceDefaults();
            generator.MapGeneratorApi();
            await generator.StartAsync();

            var gatewayBuilder = Builder(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = Path.Combine(dataDirectory, "gateway"),
                ["Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware"] = "Warning",
                ["Gateway:ApiKeys:0:Name"] = "benchmark",
                ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(ApiKey),
                ["Gateway:ApiKeys:0:Scope"] = "Write",
                ["Gateway:RateLimit:PermitsPerWindow"] = "1000000",
                ["ReverseProxy:Routes:generation-stream:ClusterId"] = "generator",
                ["ReverseProxy:Routes:generation-stream:Match:Path"] = "/api/generations/stream",
                ["ReverseProxy:Routes:generation-stream:TimeoutPolicy"] = "Disable",
                ["ReverseProxy:Routes:generation-stream:Order"] = "-1",
                ["ReverseProxy:Routes:generations:ClusterId"] = "generator",
                ["ReverseProxy:Routes:generations:Match:Path"] = "/api/generations/{**rest}",
                ["ReverseProxy:Clusters:generator:Destinations:d1:Address"] = AddressOf(generator).ToString(),
            });
            gatewayBuilder.AddServiceDefaults(GatewayServiceModule.ServiceName);
            gatewayBuilder.AddGatewayService();
            var gateway = gatewayBuilder.Build();
            gateway.UseServiceDefaults();
            gateway.MapGatewayApi();
            await gateway.StartAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await generator.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, timeout.Token);
            return new Mesh(generator, gateway);
        }

        public async Task RegisterAsync(ModelRegistered model)
        {
            await generator.Services.GetRequiredService<IPublishEndpoint>().Publish(model);
            var registry = generator.Services.GetRequiredService<ModelRegistry>();
            while (await registry.FindAsync(model.ModelId, CancellationToken.None) is null) await Task.Delay(20);
        }

        public async ValueTask DisposeAsync()
        {
            Gateway.Dispose();
            await gateway.StopAsync();
            await generator.StopAsync();
            await gateway.DisposeAsync();
            await generator.DisposeAsync();
        }

        private static WebApplicationBuilder Builder(Dictionary<string, string?> values)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(values);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            return builder;
        }

        private static Uri AddressOf(WebApplication app) =>
            new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
