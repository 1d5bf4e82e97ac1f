using System.Net;
using System.Net.Http.Json;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Generator.Api;
using AigcMesh.Generator.Inference;
using AigcMesh.Storage;
using AigcMesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Generator.Tests;

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "rabbitmq";
}

[Collection(RabbitMqCollection.Name)]
public sealed class Two_instances_on_the_real_broker(RabbitMqBroker broker) : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public async Task Both_generator_instances_serve_requests_and_stream_tokens_over_RabbitMQ()
    {
        var artifacts = Path.Combine(directory.Path, "artifacts"); // shared by both, as under compose
        var store = new ArtifactStore(artifacts);
        var images = await TinyModels.DcganAsync(store);
        var datasetId = await BuiltInDatasets.ImportSyntheticTextAsync(store, new DatasetImportOptions(BpeVocabularySize: 260));
        var text = new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, "gpt", datasetId, Guid.NewGuid(), store.Put("test model"u8).Value,
            new Dictionary<string, string> { ["tokenizer"] = "char" }, new Dictionary<string, double>());
        var prefix = RabbitMqBroker.UniqueQueuePrefix();
        Dictionary<string, string?> Settings(string name) => new()
        {
            ["Generator:InstanceName"] = $"{prefix}-{name}",
            ["Generator:GenerateQueue"] = $"{prefix}-generate-content",
            ["Generator:ModelRegisteredQueue"] = $"{prefix}-generator-model-registered",
            ["Generator:WorkerConcurrency"] = "8",
        };
        void TestModels(IServiceCollection s) => s.AddSingleton<IModelLoader>(new TestModelLoader(store, TimeSpan.FromMilliseconds(2)));
        await using var a = await GeneratorHost.StartAsync(Path.Combine(directory.Path, "a"), artifacts, Settings("a"), TestModels, broker.Url);
        await using var b = await GeneratorHost.StartAsync(Path.Combine(directory.Path, "b"), artifacts, Settings("b"), TestModels, broker.Url);

        // Each instance has its own subscription, so both learn of every model.
        await a.RegisterAsync(images);
        await b.WaitUntilKnownAsync(images.ModelId);
        await a.RegisterAsync(text);
        await b.WaitUntilKnownAsync(text.ModelId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            using var response = await a.Http.PostAsJsonAsync("/api/generations", new GenerationRequest(images.ModelId, new ImageRequest(2, 10 * i)), Api.Json);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<ImagesResponse>(Api.Json))!;
        }));
        Assert.Equal([$"{prefix}-a", $"{prefix}-b"], responses.Select(r => r.Worker).Distinct().Order());
        // Whichever instance served it, the same seed gives the same images.
        Assert.Equal(responses[3].Images, (await Api.ImagesAsync(b.Http, images.ModelId, 2, 30)).Images);

        // Tokens come back over the broker to the instance that holds the caller's stream.
        using var stream = await b.Http.GetAsync($"/api/generations/stream?modelId={text.ModelId}&prompt=abc&maxNewTokens=30&seed=4", HttpCompletionOption.ResponseHeadersRead);
        var events = new List<(string Type, System.Text.Json.JsonElement Data)>();
        await foreach (var e in ServerSentEvents.ReadAsync(await stream.Content.ReadAsStreamAsync()))
        {
            events.Add(e);
            if (e.Type is "done" or "error") break;
        }
        Assert.Equal("done", events[^1].Type);
        var tokens = events.Where(e => e.Type == "token").ToList();
        Assert.Equal(Enumerable.Range(0, tokens.Count), tokens.Select(t => t.Data.GetProperty("index").GetInt32()));
        Assert.Equal(events[^1].Data.GetProperty("text").GetString(), string.Concat(tokens.Select(t => t.Data.GetProperty("text").GetString())));
    }

    public void Dispose() => directory.Dispose();
}
