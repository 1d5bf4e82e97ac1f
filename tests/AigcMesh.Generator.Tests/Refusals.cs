using System.Net;
using System.Net.Http.Json;
using AigcMesh.Generator.Api;
using AigcMesh.Generator.Inference;
using AigcMesh.Storage;
using AigcMesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Generator.Tests;

public sealed class Refusals : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public async Task A_request_that_would_wait_too_long_gets_503_with_Retry_After_and_none_hangs()
    {
        var artifacts = Path.Combine(directory.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        var model = await TinyModels.DcganAsync(store);
        var loader = new TestModelLoader(store, TimeSpan.Zero) { Gate = new TaskCompletionSource() }; // the model takes "forever" to load
        await using var host = await GeneratorHost.StartAsync(Path.Combine(directory.Path, "g"), artifacts, new Dictionary<string, string?>
        {
            ["Generator:Limits:MaxQueuedItems"] = "2",
            ["Generator:RequestTimeoutSeconds"] = "3",
        }, services => services.AddSingleton<IModelLoader>(loader));
        await host.RegisterAsync(model);

        var requests = Enumerable.Range(0, 4).Select(i => host.Http.PostAsJsonAsync("/api/generations", new GenerationRequest(model.ModelId, new ImageRequest(1, i)), Api.Json)).ToList();
        var responses = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(20));
        loader.Gate.SetResult();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.All(responses, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        var reasons = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Equal(2, reasons.Count(r => r.Contains("Generator:Limits:MaxQueuedItems")));   // refused at once: the queue was full
        Assert.Equal(2, reasons.Count(r => r.Contains("Generator:RequestTimeoutSeconds")));   // queued, but not served in time
    }

    [Fact]
    public async Task A_model_that_fails_to_load_gives_a_clear_error_and_is_not_loaded_again()
    {
        var artifacts = Path.Combine(directory.Path, "artifacts");
        var store = new ArtifactStore(artifacts);
        var loader = new TestModelLoader(store, TimeSpan.Zero);
        await using var host = await GeneratorHost.StartAsync(Path.Combine(directory.Path, "g"), artifacts, services: s => s.AddSingleton<IModelLoader>(loader));
        var broken = TinyModels.Broken(store, new string('0', 64));
        await host.RegisterAsync(broken);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await host.Http.PostAsJsonAsync("/api/generations", new GenerationRequest(broken.ModelId, new ImageRequest(1)), Api.Json);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("failed to load", body);
            Assert.Contains(broken.ModelId.ToString(), body);
        }
        Assert.Equal(1, loader.Loads);
    }

    public void Dispose() => directory.Dispose();
}
