using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AigcMesh.Contracts.Pipelines;
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
    private const int GracefulRunSteps = 240;
    private const int PipelineSteps = 30;
    private const int ImportedImages = 600;
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
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
    public async Task Imports_trains_on_two_trainers_at_once_survives_a_killed_trainer_and_a_broker_restart_generates_evaluates_and_runs_the_pipeline()
    {
        foreach (var service in new[] { "dataset", "trainer", "generator", "evaluator" })
        {
            var ready = await mesh.GetJsonAsync($"/services/{service}/health/ready");
            Assert.Equal("Healthy", ready["status"]!.GetValue<string>());
        }
        var queues = await broker.QueuesAsync();
        Assert.Equal(2, queues["start-training"].Consumers);

        var datasetId = await UploadFashionMnistSliceAsync();

        // Train: two runs at once, one on each trainer; run A's progress followed live through the gateway.
        var runA = await StartRunAsync(datasetId, seed: 1);
        string? statusAtFirstProgress = null;
        await using var runEvents = await mesh.OpenEventsAsync($"/api/runs/{runA}/events", clock, async e =>
        {
            if (e.Type == "progress" && statusAtFirstProgress is null)
            {
                statusAtFirstProgress = Status(await RunAsync(runA));
            }
        });
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

        // Graceful: a trainer stopped with SIGTERM (docker stop, a KEDA scale-down) checkpoints the step it is on and hands its run back.
        await StopABusyTrainerGracefullyAsync(datasetId);

        // The one-call pipeline, started now that the trainer is free: it trains while the checks below go on.
        var (pipelineId, pipelineEvents) = await StartPipelineAsync();
        await using var pipelineStream = pipelineEvents;

        // The run's event stream reached the client event by event while the run went on: the gateway does not buffer it.
        var completedEvent = await runEvents.WaitForAsync("run A's completed event", e => e.Type == "completed", TimeSpan.FromSeconds(30));
        var progress = runEvents.Events.Where(e => e.Type == "progress").ToList();
        Assert.True(progress.Count >= 3, runEvents.Describe());
        Assert.Equal("running", statusAtFirstProgress);
        Assert.True(completedEvent.ReceivedAt - progress[0].ReceivedAt >= TimeSpan.FromSeconds(2), runEvents.Describe());
        Assert.True(progress[^1].ReceivedAt - progress[0].ReceivedAt >= TimeSpan.FromSeconds(2), runEvents.Describe());
        Log($"run A's stream: {progress.Count} progress events over {(progress[^1].ReceivedAt - progress[0].ReceivedAt).TotalSeconds:F1} s, " +
            $"the first {(completedEvent.ReceivedAt - progress[0].ReceivedAt).TotalSeconds:F1} s before 'completed'");

        // Nothing lost: both models registered, and the generator heard of both (ModelRegistered over the restarted broker).
        var modelIds = finished.Select(r => r["modelId"]!.GetValue<Guid>()).ToList();
        await mesh.WaitForAsync("the generator knowing both models", () => mesh.GetJsonAsync("/api/generations/models"),
            models => modelIds.All(id => models.ToJsonString().Contains(id.ToString(), StringComparison.OrdinalIgnoreCase)), TimeSpan.FromSeconds(60));

        // Generate through the gateway.
        var (status, generated, _) = await mesh.PostJsonAsync("/api/generations", new { modelId = modelIds[1], images = new { count = 4, seed = 7 } });
        Assert.True(status == 200, generated.ToJsonString());
        Assert.Equal(4, generated["images"]!.AsArray().Count);
        Log("generated 4 images from the resumed run's model");

        // Evaluate one model while the pipeline runs, then read the leaderboard.
        var (evaluationStatus, evaluation, evaluationLocation) = await mesh.PostJsonAsync("/api/evaluations", new { modelId = modelIds[0], sampleCount = 32 });
        Assert.True(evaluationStatus == 202, evaluation.ToJsonString());
        await CheckEvaluationAndLeaderboardAsync(evaluationLocation!, modelIds[0], datasetId);
        await CheckPipelineAsync(pipelineId, pipelineEvents);

        Assert.All(mesh.Services.Where(s => s.Name != "trainer-b"), s => Assert.False(s.HasExited, s.Name));
    }

    /// <summary>
    /// trainer-b comes back (a new process); a third run starts; the trainer that takes it gets SIGTERM mid-run. It must
    /// exit by itself well within the grace period, having checkpointed the step it was on and handed the run back,
    /// and the run must finish on a trainer from exactly that step: no step is lost, unlike after the SIGKILL above.
    /// </summary>
    private async Task StopABusyTrainerGracefullyAsync(string datasetId)
    {
        await mesh.RestartAsync("trainer-b", TimeSpan.FromSeconds(120));
        await mesh.WaitForAsync("two trainers consuming start-training", async () => (await broker.QueuesAsync()).GetValueOrDefault("start-training"),
            q => q.Consumers == 2, TimeSpan.FromSeconds(60));
        var runC = await StartRunAsync(datasetId, seed: 3, GracefulRunSteps);
        var busy = await mesh.WaitForAsync("run C training", () => RunAsync(runC),
            r => Status(r) == "running" && r["step"]?.GetValue<int>() >= 5, TimeSpan.FromSeconds(90));
        var owner = busy["trainerId"]!.GetValue<string>();
        var stepSeen = busy["step"]!.GetValue<int>();
        var grace = TimeSpan.FromSeconds(60);
        var stopping = Stopwatch.StartNew();
        await mesh[owner].StopAsync(grace);
        var stopped = stopping.Elapsed;
        var ownerLog = mesh[owner].Tail();
        Log($"{owner} stopped with SIGTERM at step {stepSeen}+ of run C: exited with {mesh[owner].ExitCode} after {stopped.TotalSeconds:F1} s");
        Assert.True(stopped < grace - TimeSpan.FromSeconds(5), $"{owner} did not exit by itself within {grace}:{Environment.NewLine}{ownerLog}");
        Assert.Equal(0, mesh[owner].ExitCode);
        var handedBack = System.Text.RegularExpressions.Regex.Match(ownerLog, $@"Run {runC} handed back at step (\d+)");
        Assert.True(handedBack.Success, $"{owner} did not hand run C back:{Environment.NewLine}{ownerLog}");
        var handedBackStep = int.Parse(handedBack.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (owner == "trainer-a")
        {
            await mesh.RestartAsync("trainer-a", TimeSpan.FromSeconds(120)); // the gateway routes /api/runs to trainer-a
        }

        var finished = await mesh.WaitForAsync("run C completed after the hand-back", () => RunAsync(runC),
            r => Status(r) is "completed" or "failed" or "cancelled", TimeSpan.FromSeconds(150));
        Assert.True(Status(finished) == "completed", finished.ToJsonString());
        Assert.Equal(GracefulRunSteps, finished["step"]!.GetValue<int>());
        Assert.True(finished["starts"]!.GetValue<int>() >= 2, finished.ToJsonString());
        Assert.True(handedBackStep >= stepSeen, $"handed back at {handedBackStep}, but the run had reached {stepSeen}");
        Assert.Equal(handedBackStep, finished["resumedFromStep"]!.GetValue<int>());
        Log($"run C handed back by {owner} at step {handedBackStep}, resumed from that step on {finished["trainerId"]} and completed");
    }

    /// <summary>Uploads a cut of Fashion-MNIST (an IDX pair) through the gateway and follows its import's event stream until it is imported.</summary>
    private async Task<string> UploadFashionMnistSliceAsync()
    {
        var (status, body, location) = await mesh.PostFilesAsync("/api/datasets/uploads?kind=idx&name=fashion-e2e", FashionMnistSlice.Cut(ImportedImages));
        Assert.True(status == 202, body.ToJsonString());
        Assert.NotNull(location);
        await using var importEvents = await mesh.OpenEventsAsync(body["events"]!.GetValue<string>(), clock);
        var imported = await importEvents.WaitForAsync("the import's 'imported' event", e => e.Type is "imported" or "failed", TimeSpan.FromSeconds(90));
        Assert.True(imported.Type == "imported", imported.Data);
        var import = await mesh.GetJsonAsync(location.ToString());
        Assert.Equal("succeeded", import["state"]!.GetValue<string>());
        var datasetId = import["datasetId"]!.GetValue<string>();

        var dataset = (await mesh.GetJsonAsync($"/api/datasets/{datasetId}"))["dataset"]!;
        Assert.Equal("Image", dataset["modality"]!.GetValue<string>());
        Assert.Equal(10, dataset["classCount"]!.GetValue<int>());
        Assert.Equal(ImportedImages, new[] { "trainCount", "validationCount", "testCount" }.Sum(k => dataset[k]!.GetValue<long>()));
        Log($"data set {datasetId[..12]} imported through the gateway ({ImportedImages} Fashion-MNIST images, events: {importEvents.Describe()})");
        return datasetId;
    }

    private async Task CheckEvaluationAndLeaderboardAsync(Uri location, Guid modelId, string datasetId)
    {
        var evaluation = await mesh.WaitForAsync("the evaluation finishing", () => mesh.GetJsonAsync(location.ToString()),
            e => e["status"]!.GetValue<string>() is "completed" or "failed", TimeSpan.FromSeconds(180));
        Assert.True(evaluation["status"]!.GetValue<string>() == "completed", evaluation.ToJsonString());
        var metrics = evaluation["metrics"]!.AsObject();
        foreach (var metric in new[] { "fd", "kid", "precision", "recall" })
        {
            Assert.True(metrics.ContainsKey(metric), evaluation.ToJsonString());
        }
        Assert.True(metrics["fd"]!.GetValue<double>() >= 0, evaluation.ToJsonString());
        Assert.Equal(32, metrics["sample_count"]!.GetValue<double>());
        Assert.True(evaluation["baselines"]!.AsObject().ContainsKey("fd"), evaluation.ToJsonString());
        Log($"evaluated model {modelId}: FD {metrics["fd"]} against the real-vs-real floor {evaluation["baselines"]!["fd"]}");

        var leaderboard = await mesh.GetJsonAsync($"/api/leaderboards/{datasetId}");
        var entry = Assert.Single(leaderboard["entries"]!.AsArray());
        Assert.Equal(modelId, entry!["modelId"]!.GetValue<Guid>());
        Assert.Equal(1, entry["rank"]!.GetValue<int>());
        Assert.Equal(metrics["fd"]!.GetValue<double>(), entry["metrics"]!["fd"]!.GetValue<double>());
        Assert.Equal("fd", leaderboard["sortBy"]!.GetValue<string>());
    }

    /// <summary>POSTs the one-call pipeline (built-in images, a tiny DCGAN) and opens its event stream at once.</summary>
    private async Task<(Guid Id, EventStream Events)> StartPipelineAsync()
    {
        var (status, body, location) = await mesh.PostJsonAsync("/api/pipelines", new
        {
            family = "dcgan",
            dataset = "synthetic-images",
            hyperparameters = new Dictionary<string, string> { ["latent_size"] = "8", ["generator_width"] = "8", ["discriminator_width"] = "8", ["batch_size"] = "16" },
            maxSteps = PipelineSteps,
            seed = 3,
            evaluationSamples = 32,
            samples = new { count = 4 },
        });
        Assert.True(status == 202, body.ToJsonString());
        var id = body["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/pipelines/{id}", location?.OriginalString);
        Log($"pipeline {id} started");
        return (id, await mesh.OpenEventsAsync($"/api/pipelines/{id}/events", clock));
    }

    /// <summary>The pipeline completes over the real broker, each stage completed, its content stored and served; its stream came stage by stage.</summary>
    private async Task CheckPipelineAsync(Guid id, EventStream events)
    {
        var last = await events.WaitForAsync("the pipeline's last event", e => e.Type is "completed" or "failed", TimeSpan.FromSeconds(240));
        var pipeline = await mesh.GetJsonAsync($"/api/pipelines/{id}");
        Assert.True(last.Type == "completed" && pipeline["status"]!.GetValue<string>() == "Completed", pipeline.ToJsonString());
        foreach (var stage in pipeline["stages"]!.AsArray())
        {
            Assert.True(EnumName<PipelineStageStatus>(stage!["status"]!) == nameof(PipelineStageStatus.Completed), pipeline.ToJsonString());
        }
        Assert.Equal(Enum.GetNames<PipelineStage>(), pipeline["stages"]!.AsArray().Select(s => EnumName<PipelineStage>(s!["stage"]!)));
        Assert.True(pipeline["metrics"]!.AsObject().ContainsKey("fd"), pipeline.ToJsonString());
        var modelId = pipeline["modelId"]!.GetValue<Guid>();
        var artifactIds = pipeline["artifactIds"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(4, artifactIds.Count);

        // The generated content: stored as the model's generation, served through the gateway as PNGs.
        var generation = Assert.Single((await mesh.GetJsonAsync($"/api/generations?modelId={modelId}")).AsArray())!;
        Assert.Equal(artifactIds, generation["artifactIds"]!.AsArray().Select(a => a!.GetValue<string>()));
        foreach (var file in artifactIds.Append(pipeline["gridArtifactId"]!.GetValue<string>()))
        {
            var (mediaType, bytes) = await mesh.GetBytesAsync($"/api/generations/{generation["generationId"]}/artifacts/{file}");
            Assert.Equal("image/png", mediaType);
            Assert.Equal(PngSignature, bytes.Take(PngSignature.Length));
        }

        // Event by event: the snapshot first, stage changes as they happened, well before the end.
        var received = events.Events;
        Assert.Equal("snapshot", received[0].Type);
        var stages = received.Where(e => e.Type == "stage").ToList();
        Assert.True(stages.Count >= 3, events.Describe());
        Assert.True(last.ReceivedAt - received[0].ReceivedAt >= TimeSpan.FromSeconds(2), events.Describe());
        Assert.True(stages[^1].ReceivedAt - stages[0].ReceivedAt >= TimeSpan.FromSeconds(1), events.Describe());
        Log($"pipeline {id} completed: FD {pipeline["metrics"]!["fd"]}, {artifactIds.Count} images and a grid; its stream: {events.Describe()}");
    }

    /// <summary>An enum as the service wrote it: its name, or its number.</summary>
    private static string EnumName<T>(JsonNode value) where T : struct, Enum =>
        value.GetValueKind() == JsonValueKind.Number ? Enum.GetName(typeof(T), value.GetValue<int>())! : value.GetValue<string>();

    private async Task<Guid> StartRunAsync(string datasetId, int seed, int maxSteps = MaxSteps)
    {
        var (status, body, _) = await mesh.PostJsonAsync("/api/runs", new
        {
            datasetId,
            family = "dcgan",
            hyperparameters = new Dictionary<string, object> { ["latent_size"] = 8, ["generator_width"] = 8, ["discriminator_width"] = 8, ["batch_size"] = 16 },
            maxSteps,
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
