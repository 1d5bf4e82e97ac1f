using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Contracts.Training;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Storage;
using AigcMesh.Testing;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Trainer.Tests;

/// <summary>One trainer on MassTransit's test harness with the built-in synthetic shapes stored, shared by the API tests.</summary>
public sealed class HarnessTrainer : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    public WebApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public ITestHarness Harness { get; private set; } = null!;
    public ArtifactStore Store { get; private set; } = null!;
    public string ImagesId { get; private set; } = "";
    public string TextId { get; private set; } = "";

    /// <summary>An artifact that exists but is no data set (a few random bytes).</summary>
    public string BlobId { get; private set; } = "";

    public static readonly Dictionary<string, object> TinyDcgan = new()
    {
        ["generator_width"] = 8,
        ["discriminator_width"] = 8,
        ["latent_size"] = 16,
        ["batch_size"] = 16,
        ["learning_rate"] = 0.001,
    };

    public async Task InitializeAsync()
    {
        var artifacts = Path.Combine(_dir.Path, "artifacts");
        var settings = TrainerTestHost.FastSettings(Path.Combine(_dir.Path, "trainer"), artifacts, "harness");
        settings["Trainer:MaxConcurrentRuns"] = "2";
        App = await TrainerTestHost.StartWithHarnessAsync(settings);
        Harness = App.Services.GetRequiredService<ITestHarness>();
        Harness.TestTimeout = TimeSpan.FromMinutes(2);
        Store = App.Services.GetRequiredService<ArtifactStore>();
        ImagesId = await BuiltInDatasets.ImportSyntheticImagesAsync(Store, 96, new(ImageSize: 16));
        TextId = await BuiltInDatasets.ImportSyntheticTextAsync(Store);
        BlobId = Store.Put([1, 2, 3, 4, 5]).Value;
        Http = TrainerTestHost.Client(App);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _dir.Dispose();
    }
}

public sealed class Training_through_the_api(HarnessTrainer trainer) : IClassFixture<HarnessTrainer>
{
    private HttpClient Http => trainer.Http;

    private async Task<Guid> StartAsync(object request)
    {
        var response = await Http.PostAsJsonAsync("/api/runs", request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/runs/{body.GetProperty("id").GetGuid()}", response.Headers.Location!.ToString());
        return body.GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_start_applied_by_every_replica_counts_once_and_a_resume_counts_again()
    {
        // Each trainer replica applies every fact to the shared database; only a new start (another trainer, or a resume) counts.
        var registry = trainer.App.Services.GetRequiredService<AigcMesh.Trainer.Registry.RunRegistry>();
        var runId = Guid.NewGuid();
        await registry.ApplyAsync(new StartTraining(Guid.NewGuid(), runId, trainer.TextId, "gpt", new Dictionary<string, string>(),
            new TrainingBudget(10, null), 1, DevicePreference.Cpu), CancellationToken.None);
        var first = new TrainingStarted(Guid.NewGuid(), runId, "trainer-a", "cpu", 0, 1000);
        await registry.ApplyAsync(first, CancellationToken.None);
        await registry.ApplyAsync(first, CancellationToken.None);
        Assert.Equal(1, (await Http.GetJsonAsync($"/api/runs/{runId}")).GetProperty("starts").GetInt32());

        await registry.ApplyAsync(first with { TrainerId = "trainer-b", ResumedFromStep = 4 }, CancellationToken.None);
        await registry.ApplyAsync(first with { TrainerId = "trainer-b", ResumedFromStep = 4 }, CancellationToken.None);
        var run = await Http.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal(2, run.GetProperty("starts").GetInt32());
        Assert.Equal("trainer-b", run.GetProperty("trainerId").GetString());
    }

    [Fact]
    public async Task A_run_progresses_completes_and_registers_its_model_with_lineage()
    {
        var runId = await StartAsync(new { datasetId = trainer.ImagesId, family = "dcgan", hyperparameters = HarnessTrainer.TinyDcgan, maxSteps = 30, seed = 7, device = "cpu" });

        var run = await Http.WaitForRunAsync(runId, r => r.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(90));

        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(30, run.GetProperty("step").GetInt32());
        Assert.Equal("harness", run.GetProperty("trainerId").GetString());
        Assert.Equal(30, run.GetProperty("lastCheckpoint").GetProperty("step").GetInt32());
        var h = trainer.Harness;
        Assert.True(await h.Published.Any<TrainingStarted>(x => x.Context.Message.RunId == runId));
        var progress = h.Published.Select<TrainingProgressed>(x => x.Context.Message.RunId == runId).Select(x => x.Context.Message).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal(30, p.TotalSteps));
        Assert.Contains(progress, p => p.Losses.ContainsKey("d_loss") && p.Losses.ContainsKey("g_loss") && p.ItemsPerSecond > 0 && p.EtaSeconds is not null);
        Assert.Contains(progress, p => p.SnapshotArtifactId is not null);
        var completed = h.Published.Select<TrainingCompleted>(x => x.Context.Message.RunId == runId).Single().Context.Message;
        var registered = h.Published.Select<ModelRegistered>(x => x.Context.Message.RunId == runId).Single().Context.Message;
        Assert.Equal(30, completed.Steps);
        Assert.Equal(completed.ModelId, registered.ModelId);
        Assert.Equal("dcgan", registered.Family);
        Assert.Equal(trainer.ImagesId, registered.DatasetId);
        Assert.Equal("16", registered.Config["image_height"]);
        Assert.Equal("8", registered.Config["generator_width"]);
        Assert.True(registered.Metrics.ContainsKey("mean_image_mse"));
        Assert.True(trainer.Store.Exists(ArtifactId.Parse(registered.CheckpointArtifactId)));

        var model = await Http.GetJsonAsync($"/api/models/{registered.ModelId}");
        Assert.Equal(trainer.ImagesId, model.GetProperty("lineage").GetProperty("datasetId").GetString());
        Assert.Equal(runId, model.GetProperty("lineage").GetProperty("runId").GetGuid());
        Assert.Equal(registered.ModelId, model.GetProperty("lineage").GetProperty("modelId").GetGuid());
        Assert.Equal(registered.CheckpointArtifactId, model.GetProperty("weightsArtifactId").GetString());
        Assert.Equal(30, model.GetProperty("checkpoint").GetProperty("step").GetInt32());
        var weights = await Http.GetByteArrayAsync($"/api/models/{registered.ModelId}/weights");
        Assert.Equal(trainer.Store.Length(ArtifactId.Parse(registered.CheckpointArtifactId)), weights.Length);
        Assert.Contains((await Http.GetJsonAsync("/api/models")).EnumerateArray(), m => m.GetProperty("id").GetGuid() == registered.ModelId);

        var snapshots = await Http.GetJsonAsync($"/api/runs/{runId}/snapshots");
        Assert.NotEmpty(snapshots.EnumerateArray());
        var png = await Http.GetByteArrayAsync(snapshots[0].GetProperty("url").GetString());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        var metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains("aigcmesh_trainer_steps_total{family=\"dcgan\"}", metrics);
    }

    public static TheoryData<string, string> InvalidRequests() => new()
    {
        { """{"datasetId":"IMAGES","family":"diffusion","maxSteps":5}""", "family" },
        { """{"datasetId":"IMAGES","family":"gpt","maxSteps":5}""", "family" },
        { """{"datasetId":"TEXT","family":"dcgan","maxSteps":5}""", "family" },
        { """{"datasetId":"0000000000000000000000000000000000000000000000000000000000000000","family":"dcgan","maxSteps":5}""", "datasetId" },
        { """{"datasetId":"not-an-id","family":"dcgan","maxSteps":5}""", "datasetId" },
        { """{"datasetId":"IMAGES","family":"dcgan","hyperparameters":{"batch_size":0},"maxSteps":5}""", "hyperparameters.batch_size" },
        { """{"datasetId":"IMAGES","family":"dcgan","hyperparameters":{"warp_factor":9},"maxSteps":5}""", "hyperparameters.warp_factor" },
        { """{"datasetId":"IMAGES","family":"dcgan"}""", "budget" },
        { """{"datasetId":"IMAGES","family":"dcgan","maxSteps":-3}""", "maxSteps" },
        { """{"datasetId":"IMAGES","family":"dcgan","maxWallSeconds":-1}""", "maxWallSeconds" },
        { """{"datasetId":"IMAGES","maxSteps":5}""", "family" },
        { """{"family":"dcgan","maxSteps":5}""", "datasetId" },
        { """{"datasetId":"BLOB","family":"dcgan","maxSteps":5}""", "datasetId" },
        { """{"datasetId":"TEXT","family":"gpt","tokenizer":"word","maxSteps":5}""", "tokenizer" },
        { """{"datasetId":"IMAGES","family":"dcgan","tokenizer":"bpe","maxSteps":5}""", "tokenizer" },
        { """{"datasetId":"TEXT","family":"gpt","hyperparameters":{"layers":{"deep":true}},"maxSteps":5}""", "hyperparameters.layers" },
        { """{"datasetId":"TEXT","family":"gpt","hyperparameters":{"layers":"many"},"maxSteps":5}""", "hyperparameters.layers" },
        { """{"datasetId":"TEXT","family":"gpt","hyperparameters":{"embedding_size":100,"heads":3},"maxSteps":5}""", "hyperparameters" },
    };

    /// <summary>Bodies the endpoint cannot even read: refused with a 4xx and problem details, never a 500.</summary>
    public static TheoryData<string, string, int> UnreadableRequests() => new()
    {
        { """{"datasetId":"IMAGES","family":""", "application/json", 400 },
        { "", "application/json", 400 },
        { "null", "application/json", 400 },
        { "[1, 2]", "application/json", 400 },
        { """{"datasetId":"IMAGES","family":"dcgan","maxSteps":5,"device":"gpu"}""", "application/json", 400 },
        { """{"datasetId":"IMAGES","family":"dcgan","maxSteps":"ten"}""", "application/json", 400 },
        { """{"datasetId":"IMAGES","family":"dcgan","maxSteps":5,"seed":1e20}""", "application/json", 400 },
        { """{"datasetId":"IMAGES","family":"dcgan","maxSteps":5,"hyperparameters":[1, 2]}""", "application/json", 400 },
        { """{"datasetId":"IMAGES","family":"dcgan","maxSteps":5}""", "text/plain", 415 },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task An_invalid_request_is_refused_with_400_problem_details_before_any_work(string json, string errorKey)
    {
        var body = json.Replace("IMAGES", trainer.ImagesId).Replace("TEXT", trainer.TextId).Replace("BLOB", trainer.BlobId);
        var before = trainer.Harness.Published.Select<StartTraining>().Count();

        var response = await Http.PostAsync("/api/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var keys = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(keys.Contains(errorKey), $"errors {string.Join(", ", keys)} lack {errorKey}: {problem}");
        Assert.Equal(before, trainer.Harness.Published.Select<StartTraining>().Count());
    }

    [Theory]
    [MemberData(nameof(UnreadableRequests))]
    public async Task An_unreadable_request_is_refused_with_problem_details_not_a_server_error(string json, string mediaType, int status)
    {
        var before = trainer.Harness.Published.Select<StartTraining>().Count();

        var response = await Http.PostAsync("/api/runs", new StringContent(json.Replace("IMAGES", trainer.ImagesId), System.Text.Encoding.UTF8, mediaType));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(before, trainer.Harness.Published.Select<StartTraining>().Count());
    }

    [Fact]
    public async Task Cancel_stops_a_run_within_seconds()
    {
        var runId = await StartAsync(new { datasetId = trainer.ImagesId, family = "dcgan", hyperparameters = HarnessTrainer.TinyDcgan, maxSteps = 1_000_000, seed = 3 });
        await Http.WaitForRunAsync(runId, r => r.GetProperty("step").GetInt32() > 0, TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        var response = await Http.PostAsync($"/api/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await Http.WaitForRunAsync(runId, r => r.GetProperty("status").GetString() == "cancelled", TimeSpan.FromSeconds(20));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancel took {clock.Elapsed}");
        Assert.True(run.GetProperty("step").GetInt32() < 1_000_000);
        var cancelled = trainer.Harness.Published.Select<TrainingCancelled>(x => x.Context.Message.RunId == runId).Single().Context.Message;
        Assert.Equal("cancelled through the API", cancelled.Reason);
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostAsync($"/api/runs/{runId}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Progress_streams_as_server_sent_events_until_the_run_ends()
    {
        var runId = await StartAsync(new { datasetId = trainer.ImagesId, family = "dcgan", hyperparameters = HarnessTrainer.TinyDcgan, maxSteps = 200, seed = 5 });

        using var response = await Http.GetAsync($"/api/runs/{runId}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("event: state\ndata: {", text);
        Assert.Contains("event: progress\ndata: {", text);
        Assert.EndsWith("\n\n", text);
        Assert.Contains("event: completed\ndata: {", text);
    }

    [Fact]
    public async Task A_sweep_expands_into_runs_and_reports_the_best_by_the_primary_metric()
    {
        var response = await Http.PostAsJsonAsync("/api/sweeps", new
        {
            datasetId = trainer.ImagesId,
            family = "dcgan",
            strategy = "grid",
            parameters = new { learning_rate = new[] { 0.002, 0.0001 } },
            @fixed = new { generator_width = 8, discriminator_width = 8, latent_size = 16, batch_size = 16 },
            maxSteps = 15,
            seed = 11,
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        JsonElement sweep = default;
        for (var i = 0; i < 900 && (i == 0 || sweep.GetProperty("status").GetString() != "completed"); i++)
        {
            await Task.Delay(100);
            sweep = await Http.GetJsonAsync($"/api/sweeps/{sweepId}");
        }

        Assert.Equal("completed", sweep.GetProperty("status").GetString());
        var runs = sweep.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal(["0.002", "0.0001"], runs.Select(r => r.GetProperty("hyperparameters").GetProperty("learning_rate").GetString()).Order().Reverse());
        var scores = runs.ToDictionary(r => r.GetProperty("id").GetGuid(), r => r.GetProperty("finalMetrics").GetProperty("mean_image_mse").GetDouble());
        var best = sweep.GetProperty("best");
        Assert.Equal("mean_image_mse", best.GetProperty("metric").GetString());
        Assert.Equal(scores.MinBy(p => p.Value).Key, best.GetProperty("runId").GetGuid());
        Assert.NotEqual(Guid.Empty, best.GetProperty("modelId").GetGuid());
        Assert.Equal(2, trainer.Harness.Published.Select<StartTraining>(x => x.Context.Message.SweepId == sweepId).Count());
    }

    [Fact]
    public async Task A_sweep_with_an_invalid_value_is_refused_whole()
    {
        var before = trainer.Harness.Published.Select<StartTraining>().Count();
        var response = await Http.PostAsJsonAsync("/api/sweeps", new
        {
            datasetId = trainer.ImagesId,
            family = "dcgan",
            strategy = "grid",
            parameters = new { batch_size = new[] { 16, 0 } },
            maxSteps = 5,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, trainer.Harness.Published.Select<StartTraining>().Count());
    }
}
