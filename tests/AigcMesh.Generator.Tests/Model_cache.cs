using AigcMesh.Contracts.Generation;
using AigcMesh.Contracts.Training;
using AigcMesh.Generator.Inference;
using AigcMesh.Storage;
using AigcMesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AigcMesh.Generator.Tests;

public sealed class Model_cache : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public async Task The_least_recently_used_model_is_unloaded_to_stay_within_the_memory_budget()
    {
        var store = new ArtifactStore(directory.Path);
        var a = Spec(await TinyModels.DcganAsync(store, seed: 1));
        var b = Spec(await TinyModels.DcganAsync(store, seed: 2));
        var c = Spec(await TinyModels.DcganAsync(store, seed: 3));
        var size = store.Length(ArtifactId.Parse(a.WeightsArtifactId));
        var loader = new TestModelLoader(store, TimeSpan.Zero);
        using var cache = new ModelCache(loader, store, Options.Create(new GeneratorOptions { ModelCacheBytes = 2 * size + size / 2 }), NullLogger<ModelCache>.Instance);

        await GenerateAsync(cache, a);
        await GenerateAsync(cache, b);
        await GenerateAsync(cache, a); // a is now the most recently used
        await GenerateAsync(cache, c); // over budget: b goes

        Assert.Equal(3, loader.Loads);
        Assert.Equal([Key(c), Key(a)], cache.LoadedKeys());
        await GenerateAsync(cache, b); // loaded again, a goes
        Assert.Equal(4, loader.Loads);
        Assert.Equal([Key(b), Key(c)], cache.LoadedKeys());
    }

    private static async Task GenerateAsync(ModelCache cache, GeneratorModel model)
    {
        var work = new ImageWork(1, 0, null, null, CancellationToken.None);
        cache.Get(model).Enqueue(work);
        Assert.Equal(1, (await work.Completion.Task).Images.Count);
    }

    private static GeneratorModel Spec(ModelRegistered m) => new(m.ModelId, m.Version, m.Family, m.DatasetId, m.CheckpointArtifactId, m.Config);

    private static string Key(GeneratorModel m) => $"{m.ModelId:N}:{m.WeightsArtifactId}";

    public void Dispose() => directory.Dispose();
}
