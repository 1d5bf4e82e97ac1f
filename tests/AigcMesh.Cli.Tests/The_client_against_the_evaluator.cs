using System.Net;
using System.Text.Json;
using AigcMesh.Cli.Output;
using AigcMesh.Client;

namespace AigcMesh.Cli.Tests;

/// <summary>
/// The client library's evaluation and leaderboard calls (and the CLI commands on them) against the evaluator's real
/// endpoints through the gateway: every field the service sends is one the client names (nothing left in Extra).
/// </summary>
[Collection(CliMeshCollection.Name)]
public sealed class The_client_against_the_evaluator(CliMesh mesh)
{
    [Fact]
    public async Task Requests_follows_lists_and_ranks_evaluations_with_their_baselines()
    {
        using var client = mesh.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        var dataset = await mesh.ImagesDatasetAsync();
        var (runId, modelId) = await TrainTinyModelAsync(client, dataset, ct);

        var accepted = await RetryWhileUnknownAsync(() => client.Evaluations.StartAsync(new EvaluateRequest(modelId, SampleCount: 32), ct), ct);
        Assert.NotEqual(Guid.Empty, accepted.EvaluationId);
        Assert.Equal(modelId, accepted.ModelId);
        Assert.Equal("request", accepted.Trigger);
        Assert.Equal(32, accepted.SampleCount);
        Assert.False(accepted.IsFinished);
        AssertAllFieldsNamed(accepted);

        var done = await client.Evaluations.WaitAsync(accepted.EvaluationId, TimeSpan.FromMinutes(2), ct);
        Assert.True(done.Status == EvaluationStatus.Completed, $"{done.Status}: {done.FailureReason}");
        Assert.Equal(dataset, done.DatasetId);
        Assert.Equal(runId, done.RunId);
        Assert.Equal("dcgan", done.Family);
        Assert.True(done.Metrics!["fd"] >= 0);
        Assert.True(done.Baselines!["fd"] >= 0);
        Assert.Equal("image", done.Notes!["kind"]);
        Assert.NotNull(done.CompletedAt);
        Assert.True(done.Seconds > 0);
        AssertAllFieldsNamed(done);
        var again = await client.Evaluations.GetAsync(done.EvaluationId, ct);
        Assert.Equal((done.Status, done.CompletedAt, done.FailureReason), (again.Status, again.CompletedAt, again.FailureReason));
        Assert.Equal(done.Metrics, again.Metrics);

        var ofModel = await client.Evaluations.ListAsync(modelId, ct);
        Assert.Contains(ofModel, e => e.EvaluationId == done.EvaluationId);
        Assert.All(ofModel, e => Assert.Equal(modelId, e.ModelId));
        Assert.All(ofModel, AssertAllFieldsNamed);
        Assert.Equal(ofModel.OrderByDescending(e => e.CreatedAt).Select(e => e.EvaluationId), ofModel.Select(e => e.EvaluationId));
        Assert.Contains(await client.Evaluations.ListAsync(cancellationToken: ct), e => e.EvaluationId == done.EvaluationId);

        var board = await client.Leaderboards.GetAsync(dataset, cancellationToken: ct);
        Assert.Equal(dataset, board.DatasetId);
        Assert.Equal("fd", board.SortBy);
        Assert.Equal("asc", board.Order);
        AssertAllFieldsNamed(board);
        var entry = Assert.Single(board.Entries, e => e.ModelId == modelId);
        AssertAllFieldsNamed(entry);
        Assert.Equal(runId, entry.RunId);
        Assert.Equal(dataset, entry.DatasetId);
        Assert.Equal("dcgan", entry.Family);
        Assert.True(entry.Metrics.ContainsKey("fd") && entry.Baselines.ContainsKey("fd"));
        Assert.Equal(Enumerable.Range(1, board.Entries.Count), board.Entries.Select(e => e.Rank));
        Assert.Equal(board.Entries.OrderBy(e => e.Metrics.GetValueOrDefault("fd", double.MaxValue)).Select(e => e.ModelId), board.Entries.Select(e => e.ModelId));

        var byPrecision = await client.Leaderboards.GetAsync(dataset, "precision", "desc", ct);
        Assert.Equal(("precision", "desc"), (byPrecision.SortBy, byPrecision.Order));
        var precisions = byPrecision.Entries.Where(e => e.Metrics.ContainsKey("precision")).Select(e => e.Metrics["precision"]).ToList();
        Assert.Equal(precisions.OrderByDescending(p => p), precisions);

        // The CLI on the same calls.
        var evaluate = await mesh.RunAsync("evaluate", modelId.ToString(), "--samples", "16");
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains("fd", evaluate.Output);
        var leaderboard = await mesh.RunAsync("leaderboard", dataset, "--sort", "kid", "--desc", "--json");
        Assert.True(leaderboard.ExitCode == 0, leaderboard.ToString());
        var json = JsonDocument.Parse(leaderboard.Output).RootElement;
        Assert.Equal("kid", json.GetProperty("sortBy").GetString());
        Assert.Equal("desc", json.GetProperty("order").GetString());
        Assert.Contains(json.GetProperty("entries").EnumerateArray(), e => e.GetProperty("modelId").GetGuid() == modelId);
        var table = await mesh.RunAsync("leaderboard", dataset);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(modelId.ToString(), table.Output);
        Assert.Contains("baselines: ", table.Output);
        var listed = await mesh.RunAsync("evaluations", "list", "--model", modelId.ToString(), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(JsonDocument.Parse(listed.Output).RootElement.EnumerateArray(), e => e.GetProperty("evaluationId").GetGuid() == done.EvaluationId);
        var listedTable = await mesh.RunAsync("evaluations", "list");
        Assert.True(listedTable.ExitCode == 0, listedTable.ToString());
        Assert.Contains(done.EvaluationId.ToString(), listedTable.Output);

        // Best-of-n on the same model (its feature network is the one the evaluation trained).
        var optimised = await client.Evaluations.OptimiseAsync(new OptimiseRequest(modelId, Candidates: 8, Keep: 2, Seed: 3), ct);
        AssertAllFieldsNamed(optimised);
        Assert.Equal((modelId, "image", 8, 2), (optimised.ModelId, optimised.Kind, optimised.Candidates, optimised.Keep));
        Assert.Equal(2, optimised.Best.Count);
        Assert.All(optimised.Best, AssertAllFieldsNamed);
        Assert.All(optimised.Best, i => Assert.False(string.IsNullOrEmpty(i.ArtifactId)));
        Assert.Equal(optimised.Best.Select(i => i.Score).OrderByDescending(x => x), optimised.Best.Select(i => i.Score));
        Assert.Equal(8, optimised.AllCandidates.Count);
        Assert.True(optimised.MeanScoreBest >= optimised.MeanScoreAll, $"{optimised.MeanScoreBest} < {optimised.MeanScoreAll}");
        AssertAllFieldsNamed(optimised.ContrastNormalisation!);
        Assert.Equal(2, optimised.ContrastNormalisation!.Images);
        // The kept images are served as PNGs (and nothing else in the artifact store is: not the model's weights).
        var pngs = new List<byte[]>();
        foreach (var item in optimised.Best)
        {
            Assert.Equal($"/api/evaluations/optimised/{item.ArtifactId}", item.Url);
            pngs.Add(await client.Evaluations.OptimisedImageAsync(item.ArtifactId!, ct));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], pngs[^1][..4]);
        }
        var weights = (await client.Models.GetAsync(modelId, ct)).WeightsArtifactId!;
        var notAnImage = await Assert.ThrowsAsync<AigcApiException>(() => client.Evaluations.OptimisedImageAsync(weights, ct));
        Assert.Equal((HttpStatusCode.NotFound, "Unknown image"), (notAnImage.StatusCode, notAnImage.Problem!.Title));
        var optimise = await mesh.RunAsync("optimise", modelId.ToString(), "--n", "8", "--k", "2", "--seed", "3", "-o", "optimised-images");
        Assert.True(optimise.ExitCode == 0, optimise.ToString());
        Assert.Contains($"best 2 of 8 (image) by {optimised.Objective}", optimise.Output);
        Assert.All(optimised.Best, i => Assert.Contains(Renderer.Format(i.Score), optimise.Output));
        Assert.Contains("contrast normalisation: 2 image(s)", optimise.Output);
        Assert.Contains("2 image(s) in ", optimise.Output);
        var written = Directory.GetFiles(Path.Combine(mesh.WorkingDirectory.Path, "optimised-images"), "best-*.png").Order(StringComparer.Ordinal);
        Assert.Equal(pngs, written.Select(File.ReadAllBytes));
        var optimiseJson = await mesh.RunAsync("optimise", modelId.ToString(), "--n", "8", "--k", "2", "--seed", "3", "--json");
        Assert.True(optimiseJson.ExitCode == 0, optimiseJson.ToString());
        Assert.Equal(optimised.Best.Select(i => i.Score),
            JsonDocument.Parse(optimiseJson.Output).RootElement.GetProperty("best").EnumerateArray().Select(e => e.GetProperty("score").GetDouble()));
    }

    [Fact]
    public async Task Optimises_a_text_model_and_writes_the_kept_texts()
    {
        using var client = mesh.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var import = await mesh.RunAsync("datasets", "import", "--builtin", "text", "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        var dataset = JsonDocument.Parse(import.Output).RootElement.GetProperty("datasetId").GetString()!;
        var hyperparameters = new Dictionary<string, string> { ["layers"] = "1", ["embedding_size"] = "8", ["hidden_size"] = "16", ["context_length"] = "16", ["batch_size"] = "8" };
        var run = await client.Runs.StartAsync(new StartRunRequest(dataset, "lstm", hyperparameters, MaxSteps: 5, Seed: 5), ct);
        await foreach (var _ in client.Runs.WatchAsync(run.Id, ct))
        {
        }
        var info = await client.Runs.GetAsync(run.Id, ct);
        Assert.True(info.Status == RunStatus.Completed && info.ModelId is { } m, $"run {run.Id}: {info.Status} {info.Reason}");
        var modelId = info.ModelId!.Value;

        var request = new OptimiseRequest(modelId, Candidates: 6, Keep: 2, Seed: 1, Objective: "likelihood", Prompt: "The ", MaxNewTokens: 8);
        var optimised = await RetryWhileUnknownAsync(() => client.Evaluations.OptimiseAsync(request, ct), ct);
        AssertAllFieldsNamed(optimised);
        Assert.Equal(("text", "likelihood", 6), (optimised.Kind, optimised.Objective, optimised.AllCandidates.Count));
        Assert.Null(optimised.ContrastNormalisation);
        Assert.InRange(optimised.Best.Count, 1, 2);
        Assert.All(optimised.Best, i => Assert.NotNull(i.Text));
        Assert.Equal(optimised.Best.Select(i => i.Score).OrderByDescending(x => x), optimised.Best.Select(i => i.Score));

        var cli = await mesh.RunAsync("optimise", modelId.ToString(), "--n", "6", "--k", "2", "--seed", "1", "--objective", "likelihood",
            "--prompt", "The ", "--max-tokens", "8", "-o", "optimised-text");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains($"best {optimised.Best.Count} of 6 (text) by likelihood", cli.Output);
        Assert.Contains("filtered: ", cli.Output);
        var files = Directory.GetFiles(Path.Combine(mesh.WorkingDirectory.Path, "optimised-text"), "best-*.txt").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(optimised.Best.Select(i => "The " + i.Text), files.Select(File.ReadAllText));

        var badObjective = await mesh.RunAsync("optimise", modelId.ToString(), "--n", "4", "--k", "2", "--objective", "realism", "--prompt", "The ");
        Assert.Equal(ExitCodes.ApiError, badObjective.ExitCode);
        Assert.Contains("objective:", badObjective.Error);
    }

    [Fact]
    public async Task Refusals_come_back_as_problem_details()
    {
        using var client = mesh.Client();
        var tooFew = await Assert.ThrowsAsync<AigcApiException>(() => client.Evaluations.StartAsync(new EvaluateRequest(Guid.NewGuid(), SampleCount: 1)));
        Assert.Equal(HttpStatusCode.BadRequest, tooFew.StatusCode);
        Assert.True(tooFew.Problem!.Errors!.ContainsKey("sampleCount"), tooFew.Message);

        var unknown = await Assert.ThrowsAsync<AigcApiException>(() => client.Evaluations.StartAsync(new EvaluateRequest(Guid.NewGuid())));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Unknown model", unknown.Problem!.Title);

        var missing = await Assert.ThrowsAsync<AigcApiException>(() => client.Evaluations.GetAsync(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var badOrder = await Assert.ThrowsAsync<AigcApiException>(() => client.Leaderboards.GetAsync("any", "fd", "sideways"));
        Assert.Equal(HttpStatusCode.BadRequest, badOrder.StatusCode);
        Assert.True(badOrder.Problem!.Errors!.ContainsKey("order"), badOrder.Message);

        var empty = await client.Leaderboards.GetAsync(new string('e', 64));
        Assert.Empty(empty.Entries);

        using var reader = mesh.Client(CliMesh.ReadKey);
        var readOnly = await Assert.ThrowsAsync<AigcApiException>(() => reader.Evaluations.StartAsync(new EvaluateRequest(Guid.NewGuid())));
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);

        var unknownModel = Guid.NewGuid();
        var notRegistered = await Assert.ThrowsAsync<AigcApiException>(() => client.Evaluations.OptimiseAsync(new OptimiseRequest(unknownModel, Candidates: 4, Keep: 2)));
        Assert.Equal(HttpStatusCode.NotFound, notRegistered.StatusCode);
        Assert.Equal("Unknown model", notRegistered.Problem!.Title);
        var optimiseUnknown = await mesh.RunAsync("optimise", unknownModel.ToString(), "--n", "4", "--k", "2");
        Assert.Equal(ExitCodes.ApiError, optimiseUnknown.ExitCode);
        Assert.Contains("404 Unknown model", optimiseUnknown.Error);
        Assert.Contains($"Model {unknownModel} is not registered with the evaluator.", optimiseUnknown.Error);
        var keepTooMany = await mesh.RunAsync("optimise", unknownModel.ToString(), "--n", "2", "--k", "3");
        Assert.Equal(ExitCodes.ApiError, keepTooMany.ExitCode);
        Assert.Contains("keep:", keepTooMany.Error);

        var both = await mesh.RunAsync("leaderboard", "x", "--asc", "--desc");
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
    }

    private static async Task<(Guid RunId, Guid ModelId)> TrainTinyModelAsync(AigcClient client, string dataset, CancellationToken ct)
    {
        var hyperparameters = new Dictionary<string, string> { ["generator_width"] = "8", ["discriminator_width"] = "8", ["latent_size"] = "16", ["batch_size"] = "16" };
        var run = await client.Runs.StartAsync(new StartRunRequest(dataset, "dcgan", hyperparameters, MaxSteps: 10, Seed: 11), ct);
        await foreach (var _ in client.Runs.WatchAsync(run.Id, ct))
        {
        }
        var info = await client.Runs.GetAsync(run.Id, ct);
        Assert.True(info.Status == RunStatus.Completed && info.ModelId is not null, $"run {run.Id}: {info.Status} {info.Reason}");
        return (run.Id, info.ModelId!.Value);
    }

    /// <summary>The evaluator learns of a model from ModelRegistered, which may reach it just after the run's completion reaches us.</summary>
    private static async Task<T> RetryWhileUnknownAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (AigcApiException e) when (e.StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private static void AssertAllFieldsNamed(ApiResource resource) =>
        Assert.True(resource.Extra is null || resource.Extra.Count == 0, $"{resource.GetType().Name} does not name: {string.Join(", ", resource.Extra?.Keys.ToArray() ?? [])}");
}
