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
/// own sampling loop in-process (goal: >= 0.8).
/// </summary>
public sealed class GenerationBenchmark : IBenchmark
{
    private const string ApiKey = "amk_generation_benchmark";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "generation";
    public string Description => "Generator: images/s with and without batching at concurrency 1/8/64, gateway+bus overhead p50/p99, GPT tokens/s vs bare.";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        MachineInfo.PrintHeader(Name);
        var seconds = ArgValue(args, "--seconds", 4.0);
        var overheadRequests = (int)ArgValue(args, "--requests", 400);
        var tokens = (int)ArgValue(args, "--tokens", 200);
        var torchThreads = (int)ArgValue(args, "--torch-threads", 0);
        if (torchThreads > 0) TorchRuntime.UseThreads(torchThreads);
        Console.WriteLine($"settings: {seconds} s per throughput point, {overheadRequests} overhead requests, {tokens} GPT tokens, torch threads {TorchSharp.torch.get_num_threads()}");

        using var directory = new TempDirectory();
        var artifacts = Path.Combine(directory.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        var dcgan = await ImageModelAsync(store, width: 32, latent: 64, size: 28);
        var tiny = await ImageModelAsync(store, width: 4, latent: 2, size: 8);
        var gpt = await GptAsync(store);

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
                    ["Generator:Batching:Default:MaxBatchSize"] = batched ? "64" : "1",
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

        // (2) and (3) with the default settings.
        await using (var mesh = await Mesh.StartAsync(Path.Combine(directory.Path, "default"), artifacts, new Dictionary<string, string?>()))
        {
            await mesh.RegisterAsync(tiny);
            await mesh.RegisterAsync(gpt);
            for (var i = 0; i < 50; i++) await ImagesAsync(mesh.Gateway, tiny.ModelId, i, cancellationToken);
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
        }
        return 0;
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
        using var response = await http.GetAsync($"/api/generations/stream?modelId={modelId}&prompt=The&maxNewTokens={tokens}&seed=1&temperature=1", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var count = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "event: done") break;
            if (line == "event: error") throw new InvalidOperationException(await reader.ReadLineAsync(cancellationToken));
        }
        var done = JsonDocument.Parse((await reader.ReadLineAsync(cancellationToken))![6..]).RootElement;
        count = done.GetProperty("tokenCount").GetInt32();
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
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
