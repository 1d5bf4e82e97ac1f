using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Contracts.Evaluation;
using AigcMesh.Contracts.Training;
using AigcMesh.Models;
using AigcMesh.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Evaluator.Tests.Service;

[Collection(EvaluationDataCollection.Name)]
public sealed class The_evaluator_service(EvaluationData fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Evaluates_a_registered_model_automatically_ranks_it_and_serves_reports_requests_and_best_of_n()
    {
        var completed = new Received<EvaluationCompleted>();
        await using var app = EvaluatorHost.Build(data.Path, fixture.ArtifactDirectory, new Dictionary<string, string?>(), completed);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = EvaluatorHost.AddressOf(app) };
        var (model, config, weights) = fixture.Dcgan(steps: 0);
        model.Dispose();
        var weightsId = fixture.Store.Put(weights).ToString();
        var registered = new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, ModelFamilies.Dcgan, fixture.ImageDatasetId, Guid.NewGuid(), weightsId, config, new Dictionary<string, double>());

        await app.Services.GetRequiredService<IBus>().Publish(registered);
        var auto = await completed.WaitFor(c => c.ModelId == registered.ModelId, Timeout);

        Assert.Equal(registered.CorrelationId, auto.CorrelationId);
        Assert.Equal(fixture.ImageDatasetId, auto.DatasetId);
        Assert.True(auto.Metrics["fd"] > auto.Baselines["fd"], "an untrained generator is further from the test split than the training split is");
        Assert.Equal(64, auto.Metrics["sample_count"]);

        var evaluation = await http.GetFromJsonAsync<JsonElement>($"/api/evaluations/{auto.EvaluationId}");
        Assert.Equal("completed", evaluation.GetProperty("status").GetString());
        Assert.Equal("auto", evaluation.GetProperty("trigger").GetString());
        Assert.Equal("test", evaluation.GetProperty("notes").GetProperty("reference_split").GetString());

        var board = await http.GetFromJsonAsync<JsonElement>($"/api/leaderboards/{fixture.ImageDatasetId}?sort=fd");
        var entry = board.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("modelId").GetGuid() == registered.ModelId);
        Assert.Equal(registered.RunId, entry.GetProperty("runId").GetGuid());
        Assert.Equal(fixture.ImageDatasetId, entry.GetProperty("datasetId").GetString());
        Assert.Equal(auto.Metrics["fd"], entry.GetProperty("metrics").GetProperty("fd").GetDouble(), 9);

        var accepted = await http.PostAsJsonAsync("/api/evaluations", new { modelId = registered.ModelId, sampleCount = 32 });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.ToString();
        var requested = await completed.WaitFor(c => location.EndsWith(c.EvaluationId.ToString(), StringComparison.Ordinal), Timeout);
        Assert.Equal(32, requested.Metrics["sample_count"]);
        var list = await http.GetFromJsonAsync<JsonElement>($"/api/evaluations?modelId={registered.ModelId}");
        Assert.Equal(2, list.GetArrayLength());

        var optimised = await http.PostAsJsonAsync("/api/evaluations/optimise", new { modelId = registered.ModelId, candidates = 12, keep = 3, seed = 4 });
        Assert.Equal(HttpStatusCode.OK, optimised.StatusCode);
        var result = await optimised.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, result.GetProperty("best").GetArrayLength());
        Assert.True(result.GetProperty("meanScoreBest").GetDouble() > result.GetProperty("meanScoreAll").GetDouble());
        foreach (var best in result.GetProperty("best").EnumerateArray())
            Assert.True(fixture.Store.Exists(AigcMesh.Storage.ArtifactId.Parse(best.GetProperty("artifactId").GetString()!)));
        Assert.Equal(3, result.GetProperty("contrastNormalisation").GetProperty("images").GetInt32());
    }

    [Fact]
    public async Task Refuses_bad_requests_with_problem_details_and_fails_an_evaluation_of_an_unknown_model()
    {
        var failed = new Received<EvaluationFailed>();
        await using var app = EvaluatorHost.Build(data.Path, fixture.ArtifactDirectory, new Dictionary<string, string?> { ["Evaluator:ModelWaitSeconds"] = "0.2" }, failed);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = EvaluatorHost.AddressOf(app) };

        var unknown = await http.PostAsJsonAsync("/api/evaluations", new { modelId = Guid.NewGuid() });
        var tooFew = await http.PostAsJsonAsync("/api/evaluations", new { modelId = Guid.NewGuid(), sampleCount = 1 });
        var badOrder = await http.GetAsync("/api/leaderboards/abc?order=sideways");
        var missing = await http.GetAsync($"/api/evaluations/{Guid.NewGuid()}");
        var badKeep = await http.PostAsJsonAsync("/api/evaluations/optimise", new { modelId = Guid.NewGuid(), candidates = 2, keep = 5 });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, tooFew.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badOrder.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKeep.StatusCode);

        var command = new EvaluateModel(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 64);
        await app.Services.GetRequiredService<IBus>().Publish(command);
        var failure = await failed.WaitFor(f => f.EvaluationId == command.EvaluationId, Timeout);
        Assert.Contains("not registered", failure.Reason);
        var record = await http.GetFromJsonAsync<JsonElement>($"/api/evaluations/{command.EvaluationId}");
        Assert.Equal("failed", record.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Evaluates_a_text_model_beside_compressor_baselines_and_optimises_its_text()
    {
        var completed = new Received<EvaluationCompleted>();
        await using var app = EvaluatorHost.Build(data.Path, fixture.ArtifactDirectory, new Dictionary<string, string?>
        {
            ["Evaluator:MaxHeldOutTokens"] = "400",
            ["Evaluator:TextSampleCount"] = "4",
            ["Evaluator:TextSampleTokens"] = "16",
        }, completed);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = EvaluatorHost.AddressOf(app) };
        var (model, config, weights) = fixture.Lstm(steps: 10);
        model.Dispose();
        var registered = new ModelRegistered(Guid.NewGuid(), Guid.NewGuid(), 1, ModelFamilies.Lstm, fixture.TextDatasetId, Guid.NewGuid(), fixture.Store.Put(weights).ToString(), config, new Dictionary<string, double>());

        await app.Services.GetRequiredService<IBus>().Publish(registered);
        var report = await completed.WaitFor(c => c.ModelId == registered.ModelId, Timeout);

        Assert.Equal(399, report.Metrics["scored_tokens"]);
        foreach (var key in new[] { "gzip_bits_per_char", "xz_bits_per_char", "zstd_bits_per_char", "distinct_1", "self_bleu" })
            Assert.True(report.Baselines.ContainsKey(key), key);
        foreach (var key in new[] { "bits_per_char", "perplexity", "distinct_2", "repetition_rate" })
            Assert.True(report.Metrics.ContainsKey(key), key);

        var optimised = await http.PostAsJsonAsync("/api/evaluations/optimise", new { modelId = registered.ModelId, prompt = "The ", candidates = 6, keep = 2, maxNewTokens = 12, blocklist = new[] { "zzz" } });
        Assert.Equal(HttpStatusCode.OK, optimised.StatusCode);
        var result = await optimised.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("text", result.GetProperty("kind").GetString());
        Assert.Equal("likelihood", result.GetProperty("objective").GetString());
        Assert.True(result.GetProperty("meanScoreBest").GetDouble() >= result.GetProperty("meanScoreAll").GetDouble());
        Assert.All(result.GetProperty("best").EnumerateArray(), b => Assert.False(string.IsNullOrEmpty(b.GetProperty("text").GetString())));
    }

    public void Dispose() => data.Dispose();
}
