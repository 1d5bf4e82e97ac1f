using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Embedded;
using AigcMesh.Models;
using AigcMesh.Storage;
using AigcMesh.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Evaluator.Tests.Service;

[Collection(EvaluationDataCollection.Name)]
public sealed class Through_the_gateway(EvaluationData fixture) : IDisposable
{
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Evaluations_and_leaderboards_are_served_through_the_gateway_of_the_embedded_mesh()
    {
        await using var mesh = await EmbeddedMesh.StartAsync([], new Dictionary<string, string?>
        {
            ["Embedded:DataDirectory"] = data.Path,
            ["Embedded:GatewayUrl"] = "http://127.0.0.1:0",
            ["Embedded:BackendUrl"] = "http://127.0.0.1:0",
            ["Evaluator:DefaultSampleCount"] = "32",
            ["Evaluator:FeatureNetworkSteps"] = "20",
            ["Evaluator:KidSubsets"] = "3",
            ["Evaluator:KidSubsetSize"] = "32",
        });
        using var http = new HttpClient { BaseAddress = mesh.GatewayAddress };
        if (mesh.GeneratedApiKey is { } key) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        var store = new ArtifactStore(Path.Combine(data.Path, "artifacts"));
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(store, 400, new Contracts.Datasets.DatasetImportOptions(ImageSize: 16, TestFraction: 0.25));
        var (model, config, weights) = fixture.Dcgan(steps: 0);
        model.Dispose();
        var registered = new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, ModelFamilies.Dcgan, datasetId, Guid.NewGuid(), store.Put(weights).ToString(), config, new Dictionary<string, double>());

        await mesh.BackendServices.GetRequiredService<IBus>().Publish(registered);
        JsonElement entry = default;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var board = await http.GetFromJsonAsync<JsonElement>($"/api/leaderboards/{datasetId}");
            var entries = board.GetProperty("entries");
            if (entries.GetArrayLength() > 0) { entry = entries[0]; break; }
            await Task.Delay(500);
        }

        Assert.Equal(JsonValueKind.Object, entry.ValueKind);
        Assert.Equal(registered.ModelId, entry.GetProperty("modelId").GetGuid());
        var accepted = await http.PostAsJsonAsync("/api/evaluations", new { modelId = registered.ModelId, sampleCount = 16 });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var status = await http.GetAsync(accepted.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    public void Dispose() => data.Dispose();
}
