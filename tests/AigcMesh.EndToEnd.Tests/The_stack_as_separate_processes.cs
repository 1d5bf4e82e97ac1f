using System.Diagnostics;
using System.Text.Json.Nodes;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Storage;
using Xunit.Abstractions;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>
/// The multi-process end-to-end run (trait Category=EndToEnd, a step of its own in .ci/run): every service started
/// from its build output as its own process against a real RabbitMQ, driven over HTTP through the gateway.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class The_stack_as_separate_processes(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxSteps = 120;
    private Broker broker = null!;
    private Mesh mesh = null!;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public async Task InitializeAsync()
    {
        broker = await Broker.StartAsync();
        Log($"broker {broker.Node} ({(broker.IsPrivate ? "private" : "given")}), virtual host {broker.VirtualHost}");
        mesh = await Mesh.StartAsync(broker);
        Log("all six processes ready");
    }

    [Fact]
    public async Task Imports_trains_on_two_trainers_at_once_survives_a_killed_trainer_and_a_broker_restart_and_generates()
    {
        foreach (var service in new[] { "dataset", "trainer", "generator", "evaluator" })
        {
            var ready = await mesh.GetJsonAsync($"/services/{service}/health/ready");
            Assert.Equal("Healthy", ready["status"]!.GetValue<string>());
        }
        var queues = await broker.QueuesAsync();
        Assert.Equal(2, queues["start-training"].Consumers);

        // Import. The dataset service has no HTTP import yet: the data set is written into the shared artifact
        // folder with the data set library, as the dataset service will.
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(new ArtifactStore(mesh.ArtifactDirectory), count: 256);
        Log($"data set {datasetId[..12]} stored");

        // Train: two runs at once, one on each trainer.
        var runA = await StartRunAsync(datasetId, seed: 1);
        var runB = await StartRunAsync(datasetId, seed: 2);
        var running = await mesh.WaitForAsync("both runs running on different trainers",
            async () => new[] { await RunAsync(runA), await RunAsync(runB) },
            runs => runs.All(r => Status(r) == "running") && runs.Select(r => r["trainerId"]?.GetValue<string>()).Distinct().Count() == 2,
            TimeSpan.FromSeconds(90));
        Log($"runs on {string.Join(" and ", running.Select(r => r["trainerId"]))}");

        // SIGKILL the trainer that runs a run the gateway does not route to (trainer-b), once that run has a checkpoint.
        var victimRun = running.Single(r => r["trainerId"]!.GetValue<string>() == "trainer-b")["id"]!.GetValue<Guid>();
        var checkpointed = await mesh.WaitForAsync("a checkpoint of the run on trainer-b", () => RunAsync(victimRun),
            r => r["lastCheckpoint"] is JsonObject c && c["step"]!.GetValue<int>() > 0, TimeSpan.FromSeconds(90));
        var checkpointStep = checkpointed["lastCheckpoint"]!["step"]!.GetValue<int>();
        mesh["trainer-b"].Kill();
        Log($"trainer-b killed at step {checkpointed["step"]} (checkpoint at step {checkpointStep})");

        // Restart the broker while trainer-a is still training.
        await broker.RestartAsync(TimeSpan.FromSeconds(2));
        Log("broker restarted");
        await mesh.WaitForAsync("the surviving trainer consuming start-training again", async () => (await broker.QueuesAsync()).GetValueOrDefault("start-training"),
            q => q.Consumers == 1, TimeSpan.FromSeconds(60));

        // The killed trainer's run finishes on the other trainer, resumed from its last checkpoint.
        var finished = await mesh.WaitForAsync("both runs completed", async () => new[] { await RunAsync(runA), await RunAsync(runB) },
            runs => runs.All(r => Status(r) is "completed" or "failed" or "cancelled"), TimeSpan.FromSeconds(150));
        Assert.All(finished, r => Assert.True(Status(r) == "completed", r.ToJsonString()));
        var resumed = finished.Single(r => r["id"]!.GetValue<Guid>() == victimRun);
        Assert.Equal("trainer-a", resumed["trainerId"]!.GetValue<string>());
        Assert.True(resumed["resumedFromStep"]!.GetValue<int>() >= checkpointStep, resumed.ToJsonString());
        Assert.True(resumed["starts"]!.GetValue<int>() >= 2, resumed.ToJsonString());
        Assert.Equal(MaxSteps, resumed["step"]!.GetValue<int>());
        Log($"run {victimRun} finished on trainer-a, resumed from step {resumed["resumedFromStep"]}");

        // Nothing lost: both models registered, and the generator heard of both (ModelRegistered over the restarted broker).
        var modelIds = finished.Select(r => r["modelId"]!.GetValue<Guid>()).ToList();
        await mesh.WaitForAsync("the generator knowing both models", () => mesh.GetJsonAsync("/api/generations/models"),
            models => modelIds.All(id => models.ToJsonString().Contains(id.ToString(), StringComparison.OrdinalIgnoreCase)), TimeSpan.FromSeconds(60));

        // Generate through the gateway.
        var (status, generated, _) = await mesh.PostJsonAsync("/api/generations", new { modelId = modelIds[1], images = new { count = 4, seed = 7 } });
        Assert.True(status == 200, generated.ToJsonString());
        Assert.Equal(4, generated["images"]!.AsArray().Count);
        Log("generated 4 images from the resumed run's model");

        Assert.All(mesh.Services.Where(s => s.Name != "trainer-b"), s => Assert.False(s.HasExited, s.Name));
    }

    private async Task<Guid> StartRunAsync(string datasetId, int seed)
    {
        var (status, body, _) = await mesh.PostJsonAsync("/api/runs", new
        {
            datasetId,
            family = "dcgan",
            hyperparameters = new Dictionary<string, object> { ["latent_size"] = 8, ["generator_width"] = 8, ["discriminator_width"] = 8, ["batch_size"] = 16 },
            maxSteps = MaxSteps,
            seed,
        });
        Assert.True(status == 202, body.ToJsonString());
        return body["id"]!.GetValue<Guid>();
    }

    private Task<JsonNode> RunAsync(Guid id) => mesh.GetJsonAsync($"/api/runs/{id}");

    private static string Status(JsonNode run) => run["status"]!.GetValue<string>();

    private void Log(string message) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {message}");

    public async Task DisposeAsync()
    {
        if (mesh is not null)
        {
            output.WriteLine(mesh.Logs());
            await mesh.DisposeAsync();
        }
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }
    }
}
