using System.Text.Json;
using System.Text.RegularExpressions;

namespace AigcMesh.Cli.Tests;

[Collection(CliMeshCollection.Name)]
public sealed partial class The_cli_against_the_embedded_mesh(CliMesh mesh)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Imports_the_built_in_images_then_lists_shows_and_previews_them()
    {
        var id = await mesh.ImagesDatasetAsync();
        Assert.Matches("^[0-9a-f]{64}$", id);

        var list = await mesh.RunAsync("datasets", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id[..20], list.Output);
        Assert.Contains("synthetic-images", list.Output);

        var show = await mesh.RunAsync("datasets", "show", id, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        var details = JsonDocument.Parse(show.Output).RootElement;
        Assert.Equal(id, details.GetProperty("dataset").GetProperty("id").GetString());
        Assert.True(details.GetProperty("dataset").GetProperty("trainCount").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Object, details.GetProperty("statistics").ValueKind);

        var preview = await mesh.RunAsync("datasets", "preview", id, "--out", "preview/grid.png");
        Assert.True(preview.ExitCode == 0, preview.ToString());
        var bytes = await File.ReadAllBytesAsync(Path.Combine(mesh.WorkingDirectory.Path, "preview", "grid.png"));
        Assert.Equal(PngSignature, bytes[..8]);

        var again = await mesh.RunAsync("datasets", "import", "--builtin", "images", "--image-size", "16");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"as data set {id}", again.Output);
    }

    [Fact]
    public async Task Trains_a_run_while_watching_its_event_stream_then_generates_pngs_and_a_grid_from_its_model()
    {
        var dataset = await mesh.ImagesDatasetAsync();
        var run = await mesh.RunAsync("runs", "start", "--dataset", dataset, "--family", "dcgan", "--steps", "12", "--seed", "3",
            "-p", "generator_width=8", "-p", "discriminator_width=8", "-p", "latent_size=16", "-p", "batch_size=16", "--watch");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(StepLine(), run.Output);
        var model = ModelId().Match(run.Output);
        Assert.True(model.Success, run.ToString());
        var modelId = model.Groups[1].Value;

        var runs = await mesh.RunAsync("runs", "list", "--json");
        Assert.True(runs.ExitCode == 0, runs.ToString());
        var listed = JsonDocument.Parse(runs.Output).RootElement.EnumerateArray().Single(r => r.GetProperty("modelId").ValueKind == JsonValueKind.String && r.GetProperty("modelId").GetString() == modelId);
        Assert.Equal("completed", listed.GetProperty("status").GetString());
        Assert.Equal(12, listed.GetProperty("step").GetInt32());

        var models = await mesh.RunAsync("models", "list");
        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Contains(modelId, models.Output);

        var generate = await WithModelKnownToGeneratorAsync(() => mesh.RunAsync("generate", modelId, "--count", "4", "--seed", "7", "--out", "generated"));
        Assert.True(generate.ExitCode == 0, generate.ToString());
        var folder = Path.Combine(mesh.WorkingDirectory.Path, "generated");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(PngSignature, (await File.ReadAllBytesAsync(Path.Combine(folder, $"image-{i:000}.png")))[..8]);
        }
        Assert.Equal(PngSignature, (await File.ReadAllBytesAsync(Path.Combine(folder, "grid.png")))[..8]);
        Assert.False(File.Exists(Path.Combine(folder, "image-004.png")));
    }

    [Fact]
    public async Task Shows_the_problem_details_of_a_refused_request_field_by_field()
    {
        var refused = await mesh.RunAsync("runs", "start", "--dataset", new string('0', 64), "--family", "dcgan", "--steps", "2");
        Assert.Equal(ExitCodes.ApiError, refused.ExitCode);
        Assert.Contains("error: 400", refused.Error);
        Assert.Matches(@"(?m)^\s+datasetId: .*0{64}", refused.Error);

        var json = await mesh.RunAsync("runs", "start", "--dataset", new string('0', 64), "--family", "dcgan", "--steps", "2", "--json");
        Assert.Equal(ExitCodes.ApiError, json.ExitCode);
        var problem = JsonDocument.Parse(json.Error).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("datasetId", out _), json.Error);
    }

    [Fact]
    public async Task Without_a_key_or_with_a_read_only_key_says_so()
    {
        var noKey = await mesh.RunWithKeyAsync(null, "datasets", "list");
        Assert.Equal(ExitCodes.ApiError, noKey.ExitCode);
        Assert.True(noKey.Error.Contains("error: 401"), noKey.ToString());

        var readOnly = await mesh.RunWithKeyAsync(CliMesh.ReadKey, "runs", "start", "--dataset", new string('0', 64), "--family", "dcgan", "--steps", "2");
        Assert.Equal(ExitCodes.ApiError, readOnly.ExitCode);
        Assert.Contains("error: 403", readOnly.Error);

        var reads = await mesh.RunWithKeyAsync(CliMesh.ReadKey, "datasets", "list", "--json");
        Assert.True(reads.ExitCode == 0, reads.ToString());
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(reads.Output).RootElement.ValueKind);
    }

    [Fact]
    public async Task Reports_an_unreachable_gateway_and_bad_usage_with_their_own_exit_codes()
    {
        var unreachable = await mesh.RunAsync("--gateway", "http://127.0.0.1:9", "datasets", "list");
        Assert.Equal(ExitCodes.Unreachable, unreachable.ExitCode);
        Assert.Contains("Cannot reach the gateway at http://127.0.0.1:9/", unreachable.Error);

        var missing = await mesh.RunAsync("runs", "start", "--dataset", "x");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("--family", missing.Error);

        var twoSources = await mesh.RunAsync("datasets", "import", "--builtin", "images", "--path", "/tmp/x");
        Assert.Equal(ExitCodes.Usage, twoSources.ExitCode);
        Assert.Contains("exactly one source", twoSources.Error);
    }

    /// <summary>The generator learns of a model from ModelRegistered; on the in-memory bus that is at once, but not before the run's completion reaches us.</summary>
    private static async Task<CliResult> WithModelKnownToGeneratorAsync(Func<Task<CliResult>> generate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var result = await generate();
            if (result.ExitCode == 0 || DateTime.UtcNow > deadline || !result.Error.Contains("Unknown model", StringComparison.Ordinal)) return result;
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"(?m)^step \d+/12 ")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"completed, model ([0-9a-f-]{36})")]
    private static partial Regex ModelId();
}
