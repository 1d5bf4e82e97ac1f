using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Generator.Api;
using AigcMesh.Generator.Inference;
using AigcMesh.Storage;
using AigcMesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Generator.Tests;

/// <summary>One generator (in-memory bus) serving a plain and a class-conditional tiny DCGAN.</summary>
public sealed class ImageFixture : IAsyncLifetime
{
    private readonly TempDirectory directory = new();

    public GeneratorHost Host { get; private set; } = null!;
    public ModelRegistered Plain { get; private set; } = null!;
    public ModelRegistered Conditional { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var artifacts = Path.Combine(directory.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        Plain = await TinyModels.DcganAsync(store);
        Conditional = await TinyModels.DcganAsync(store, conditional: true, seed: 2);
        Host = await GeneratorHost.StartAsync(Path.Combine(directory.Path, "generator"), artifacts, new Dictionary<string, string?>
        {
            ["Generator:Limits:MaxSyncImages"] = "8",
            ["Generator:Limits:MaxImages"] = "64",
            ["Generator:Batching:Default:MaxBatchSize"] = "64",
            ["Generator:Batching:Default:MaxWaitMilliseconds"] = "20",
        });
        await Host.RegisterAsync(Plain);
        await Host.RegisterAsync(Conditional);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        directory.Dispose();
    }
}

public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<ImagesResponse> ImagesAsync(HttpClient http, Guid modelId, int count, long seed, int? label = null, long? to = null)
    {
        using var response = await http.PostAsJsonAsync("/api/generations", new GenerationRequest(modelId, new ImageRequest(count, seed, label, to)), Json);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ImagesResponse>(Json))!;
    }
}
