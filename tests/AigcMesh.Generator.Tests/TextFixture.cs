using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Generator.Inference;
using AigcMesh.Storage;
using AigcMesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Generator.Tests;

/// <summary>A generator behind the real gateway, serving a slow test language model with the built-in corpus's char tokenizer.</summary>
public sealed class TextFixture : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    public GeneratorHost Host { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;
    public TestModelLoader Loader { get; private set; } = null!;
    public ModelRegistered Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var artifacts = Path.Combine(directory.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        var datasetId = await BuiltInDatasets.ImportSyntheticTextAsync(store, new DatasetImportOptions(BpeVocabularySize: 260));
        var weights = store.Put("weights are not read by the test model"u8);
        Model = new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, "gpt", datasetId, Guid.NewGuid(), weights.Value,
            new Dictionary<string, string> { ["tokenizer"] = "char" }, new Dictionary<string, double>());
        Loader = new TestModelLoader(store, TimeSpan.FromMilliseconds(15));
        Host = await GeneratorHost.StartAsync(Path.Combine(directory.Path, "generator"), artifacts, new Dictionary<string, string?>
        {
            ["Generator:Limits:MaxSyncTokens"] = "64",
        }, services => services.AddSingleton<IModelLoader>(Loader));
        Gateway = await GatewayHost.StartAsync(Host.Address, Path.Combine(directory.Path, "gateway"));
        await Host.RegisterAsync(Model);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Host.DisposeAsync();
        directory.Dispose();
    }
}
