using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Generator.Api;

namespace AigcMesh.Benchmarks.Generator;

/// <summary>Load through the gateway: concurrent image requests and text streams, and what each took.</summary>
internal static class GenerationLoad
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static async Task<(double TokensPerSecond, int Streams, double MeanRows, double StepMs)> MeasureTextAsync(HttpClient http, ModelRegistered model, int concurrency, int tokens, double seconds, CancellationToken cancellationToken)
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

    internal static async Task<(double ImagesPerSecond, double P50, double MeanBatch, double ModelMs)> MeasureThroughputAsync(HttpClient http, Guid modelId, int concurrency, double seconds, CancellationToken cancellationToken)
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
    internal static async Task<double> ImagesAsync(HttpClient http, Guid modelId, long seed, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/generations", new GenerationRequest(modelId, new ImageRequest(1, seed)), Json, cancellationToken);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return double.Parse(response.Headers.GetValues("X-Model-Milliseconds").First(), CultureInfo.InvariantCulture);
    }

    /// <summary>Tokens per second of one SSE stream through the gateway, from request to the done event.</summary>
    internal static async Task<double> StreamAsync(HttpClient http, Guid modelId, int tokens, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var count = (await StreamDoneAsync(http, modelId, tokens, 1, cancellationToken)).GetProperty("tokenCount").GetInt32();
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>One SSE stream read to its end; its done event.</summary>
    internal static async Task<JsonElement> StreamDoneAsync(HttpClient http, Guid modelId, int tokens, long seed, CancellationToken cancellationToken)
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

    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
