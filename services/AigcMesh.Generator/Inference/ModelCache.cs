using System.Collections.Concurrent;
using AigcMesh.Contracts.Generation;
using AigcMesh.Storage;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Inference;

/// <summary>
/// The models loaded in this worker, each with its inference thread, within a memory budget
/// (Generator:ModelCacheBytes, counted in weights bytes): the least recently used model is unloaded to make room.
/// A model that fails to load is remembered with its reason and refused at once from then on (no retry loop).
/// </summary>
public sealed class ModelCache(IModelLoader loader, ArtifactStore store, IOptions<GeneratorOptions> options, ILogger<ModelCache> logger) : IDisposable
{
    private readonly Lock gate = new();
    private readonly LinkedList<ModelRunner> recent = new(); // most recently used first
    private readonly Dictionary<string, LinkedListNode<ModelRunner>> runners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> failed = new(StringComparer.Ordinal);
    private long bytes;

    /// <summary>The runner of <paramref name="model"/>, loading it (on its own thread) when it is not loaded.</summary>
    public ModelRunner Get(GeneratorModel model)
    {
        var key = KeyOf(model);
        if (failed.TryGetValue(key, out var reason)) throw new ModelUnusableException(reason);
        lock (gate)
        {
            if (runners.TryGetValue(key, out var node))
            {
                recent.Remove(node);
                recent.AddFirst(node);
                return node.Value;
            }
            var size = SizeOf(model);
            var runner = new ModelRunner(key, model.Family, size, options.Value.BatchingFor(model.ModelId, model.Family), options.Value.Limits.MaxQueuedItems,
                () => Load(model), OnLoadFailed);
            runners[key] = recent.AddFirst(runner);
            bytes += size;
            while (bytes > options.Value.ModelCacheBytes && recent.Last is { } last && last.Value != runner)
            {
                logger.LogInformation("Unloading model {Key} ({Bytes} bytes) to stay within the cache budget", last.Value.Key, last.Value.SizeBytes);
                Remove(last.Value);
            }
            UpdateGauges();
            return runner;
        }
    }

    public IReadOnlyList<string> LoadedKeys()
    {
        lock (gate) return recent.Select(r => r.Key).ToList();
    }

    /// <summary>Why a model failed to load, or null.</summary>
    public string? FailureOf(GeneratorModel model) => failed.GetValueOrDefault(KeyOf(model));

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var runner in recent.ToList()) Remove(runner);
        }
    }

    private static string KeyOf(GeneratorModel model) => $"{model.ModelId:N}:{model.WeightsArtifactId}";

    private long SizeOf(GeneratorModel model)
    {
        try
        {
            return store.Length(ArtifactId.Parse(model.WeightsArtifactId));
        }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException or FormatException)
        {
            return 0;
        }
    }

    private LoadedModel Load(GeneratorModel model)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var loaded = loader.Load(model);
        logger.LogInformation("Loaded model {ModelId} v{Version} ({Family}) in {Milliseconds:F0} ms", model.ModelId, model.Version, model.Family,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return loaded;
    }

    private void OnLoadFailed(ModelRunner runner, Exception error)
    {
        var reason = $"Model {runner.Key.Split(':')[0]} ({runner.Family}) failed to load: {error.Message}";
        failed[runner.Key] = reason;
        logger.LogError(error, "{Reason} (not retried)", reason);
        lock (gate)
        {
            if (runners.ContainsKey(runner.Key)) Remove(runner);
            UpdateGauges();
        }
    }

    private void Remove(ModelRunner runner)
    {
        if (!runners.Remove(runner.Key, out var node)) return;
        recent.Remove(node);
        bytes -= runner.SizeBytes;
        runner.Dispose();
        UpdateGauges();
    }

    private void UpdateGauges()
    {
        GeneratorMetrics.LoadedModels.Set(runners.Count);
        GeneratorMetrics.CachedBytes.Set(bytes);
    }
}
