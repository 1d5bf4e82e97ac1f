using System.Collections.Concurrent;
using AigcMesh.Datasets;
using AigcMesh.Storage;

namespace AigcMesh.Evaluation.Features;

/// <summary>Where the artifact id of each trained feature network is remembered (the evaluator keeps it in its database).</summary>
public interface IFeatureNetworkIndex
{
    string? Find(string datasetId, int steps, int seed);
    void Remember(FeatureNetworkInfo info, string artifactId);
}

/// <summary>An index held in memory (benchmarks, one-off tools).</summary>
public sealed class InMemoryFeatureNetworkIndex : IFeatureNetworkIndex
{
    private readonly ConcurrentDictionary<(string, int, int), string> entries = new();

    public string? Find(string datasetId, int steps, int seed) => entries.GetValueOrDefault((datasetId, steps, seed));

    public void Remember(FeatureNetworkInfo info, string artifactId) => entries[(info.DatasetId, info.Steps, info.Seed)] = artifactId;
}

/// <summary>
/// One feature network per (data set, steps, seed), trained on first use and stored in the artifact store; later
/// uses load it. Training is seeded, so a lost index entry only costs a retrain that gives the same network.
/// </summary>
public sealed class FeatureNetworkCache(ArtifactStore store, IFeatureNetworkIndex index)
{
    private readonly ConcurrentDictionary<string, Lock> locks = new();

    /// <summary>The data set's feature network and whether it was trained by this call.</summary>
    public (FeatureNetwork Network, bool Trained) GetOrTrain(IImageDataset data, int steps, int seed = 0, CancellationToken cancellationToken = default)
    {
        lock (locks.GetOrAdd(data.DatasetId, _ => new Lock()))
        {
            if (index.Find(data.DatasetId, steps, seed) is { } artifactId && ArtifactId.TryParse(artifactId, out var id) && store.Exists(id))
            {
                using var stream = store.OpenRead(id);
                return (FeatureNetwork.Load(stream), false);
            }
            var network = FeatureNetwork.Train(data, steps, seed, cancellationToken: cancellationToken);
            using var buffer = new MemoryStream();
            network.Save(buffer);
            var stored = store.Put(buffer.ToArray());
            index.Remember(network.Info, stored.ToString());
            return (network, true);
        }
    }
}
