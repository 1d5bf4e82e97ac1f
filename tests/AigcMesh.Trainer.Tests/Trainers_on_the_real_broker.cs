using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Storage;
using AigcMesh.Testing;
using AigcMesh.Trainer.Leases;
using Xunit.Abstractions;

namespace AigcMesh.Trainer.Tests;

[Collection(RabbitMqCollection.Name)]
public sealed class Trainers_on_the_real_broker(RabbitMqBroker broker, ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _prefix = RabbitMqBroker.UniqueQueuePrefix();

    private string Artifacts => Path.Combine(_dir.Path, "artifacts");

    private Dictionary<string, string?> Settings(string instance)
    {
        var settings = TrainerTestHost.FastSettings(Path.Combine(_dir.Path, instance), Artifacts, $"{_prefix}-{instance}");
        settings["Messaging:Transport"] = "RabbitMq";
        settings["Messaging:RabbitMqUrl"] = broker.Url;
        settings["Trainer:QueueName"] = $"{_prefix}-start-training";
        settings["Trainer:CheckpointEverySteps"] = "20";
        return settings;
    }

    [Fact]
    public async Task When_a_trainer_dies_another_resumes_its_run_from_the_last_checkpoint()
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(new ArtifactStore(Artifacts), 96, new(ImageSize: 16));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var a = await TrainerProcess.StartAsync(_dir.Path, Settings("a"));
        using var httpA = new HttpClient { BaseAddress = a.Address };
        var response = await httpA.PostAsJsonAsync("/api/runs", new
        {
            datasetId,
            family = "dcgan",
            hyperparameters = HarnessTrainer.TinyDcgan,
            maxSteps = 600,
            seed = 9,
            device = "cpu",
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        log.WriteLine($"{clock.Elapsed}: run posted to trainer a");

        var folder = new RunFolder(Path.Combine(Artifacts, "trainer-runs"), runId);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (folder.ReadCheckpoint() is not { Step: >= 40 } && DateTime.UtcNow < deadline) await Task.Delay(20);
        log.WriteLine($"{clock.Elapsed}: killing trainer a");
        a.Kill();
        var checkpoint = folder.ReadCheckpoint();
        Assert.True(checkpoint is { Step: >= 40 and < 600 }, $"checkpoint {checkpoint} before the kill\n{a.Output}");
        Assert.Null(folder.ReadDone());

        log.WriteLine($"{clock.Elapsed}: starting trainer b after checkpoint {checkpoint}");
        await using var b = await TrainerTestHost.StartOnRabbitMqAsync(Settings("b"));
        using var httpB = TrainerTestHost.Client(b);
        var run = await httpB.WaitForRunAsync(runId, r => r.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(90));

        log.WriteLine($"{clock.Elapsed}: run {run.GetProperty("status")}");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(600, run.GetProperty("step").GetInt32());
        Assert.Equal($"{_prefix}-b", run.GetProperty("trainerId").GetString());
        Assert.Equal(checkpoint!.Step, run.GetProperty("resumedFromStep").GetInt32());
        Assert.Equal(2, folder.LatestGeneration());
        Assert.Equal("completed", folder.ReadDone()!.Outcome);
        var model = await httpB.GetJsonAsync($"/api/models/{run.GetProperty("modelId").GetGuid()}");
        Assert.Equal(runId, model.GetProperty("lineage").GetProperty("runId").GetGuid());
        await b.StopAsync();
    }

    [Fact]
    public async Task Two_trainers_take_two_runs_at_once_and_both_complete()
    {
        var datasetId = await BuiltInDatasets.ImportSyntheticImagesAsync(new ArtifactStore(Artifacts), 96, new(ImageSize: 16));
        await using var a = await TrainerTestHost.StartOnRabbitMqAsync(Settings("a"));
        await using var b = await TrainerTestHost.StartOnRabbitMqAsync(Settings("b"));
        using var http = TrainerTestHost.Client(a);

        var runIds = new List<Guid>();
        foreach (var seed in new[] { 1, 2 })
        {
            // Each run trains for 5 s of wall time: long enough that one trainer (one run slot each) cannot do both in turn unseen.
            var response = await http.PostAsJsonAsync("/api/runs", new
            {
                datasetId,
                family = "dcgan",
                hyperparameters = HarnessTrainer.TinyDcgan,
                maxWallSeconds = 5,
                seed,
                device = "cpu",
            });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            runIds.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        var bothRunning = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<JsonElement> runs;
        do
        {
            await Task.Delay(100);
            runs = [];
            foreach (var id in runIds) runs.Add(await http.GetJsonAsync($"/api/runs/{id}"));
            bothRunning |= runs.All(r => r.GetProperty("status").GetString() == "running");
        }
        while (DateTime.UtcNow < deadline && !runs.All(r => r.GetProperty("status").GetString() is "completed" or "failed"));

        Assert.All(runs, r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.True(bothRunning, "the two runs were never running at the same time");
        Assert.Equal([$"{_prefix}-a", $"{_prefix}-b"], runs.Select(r => r.GetProperty("trainerId").GetString()).Order());
        Assert.All(runs, r => Assert.True(r.GetProperty("step").GetInt32() > 0));
        await a.StopAsync();
        await b.StopAsync();
    }

    public void Dispose() => _dir.Dispose();
}
