using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AigcMesh.Storage;

namespace AigcMesh.Embedded;

/// <summary>
/// `aigcmesh pipeline [images|text]`: runs one pipeline on a built-in data set through the gateway (images: VAE
/// on synthetic shapes; text: LSTM on the built-in corpus; a few hundred steps), then prints the evaluation
/// table and copies the generated content out of the artifact store into a folder it names.
/// </summary>
public static class PipelineCommand
{
    public static async Task<int> RunAsync(EmbeddedMesh mesh, string[] args, string dataDirectory, CancellationToken cancellationToken)
    {
        var text = args.Contains("text");
        var key = mesh.GeneratedApiKey ?? Environment.GetEnvironmentVariable("AIGC_API_KEY");
        if (key is null)
        {
            Console.Error.WriteLine("API keys are configured: give a read-write one in AIGC_API_KEY.");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = mesh.GatewayAddress, Timeout = TimeSpan.FromMinutes(1) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        object request = text
            ? new { family = "lstm", dataset = "synthetic-text", maxSteps = 300, evaluationSamples = 64, samples = new { prompt = "The ", maxNewTokens = 200 } }
            : new { family = "vae", dataset = "synthetic-images", maxSteps = 300, evaluationSamples = 256, samples = new { count = 16 } };
        using var started = await http.PostAsJsonAsync("/api/pipelines", request, cancellationToken);
        if (!started.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"POST /api/pipelines: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync(cancellationToken)}");
            return 1;
        }
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("id").GetString();
        Console.WriteLine($"Pipeline {id}: {(text ? "lstm on synthetic-text" : "vae on synthetic-images")}, 300 steps.");

        JsonElement view;
        var lastStages = "";
        while (true)
        {
            await Task.Delay(500, cancellationToken);
            view = JsonDocument.Parse(await http.GetStringAsync($"/api/pipelines/{id}", cancellationToken)).RootElement;
            var stages = string.Join("  ", view.GetProperty("stages").EnumerateArray().Select(s => $"{s.GetProperty("stage")}: {s.GetProperty("status")}"));
            if (stages != lastStages) Console.WriteLine($"  {stages}");
            lastStages = stages;
            if (view.GetProperty("status").GetString() is "Completed" or "Failed") break;
        }
        if (view.GetProperty("status").GetString() == "Failed")
        {
            Console.Error.WriteLine($"Pipeline failed: {view.GetProperty("failure")}");
            return 1;
        }

        Console.WriteLine();
        Console.WriteLine($"{"metric",-28} {"model",12} {"baseline",-28}");
        var baselines = view.GetProperty("baselines").EnumerateObject().ToList();
        foreach (var metric in view.GetProperty("metrics").EnumerateObject())
        {
            Console.WriteLine($"{metric.Name,-28} {metric.Value.GetDouble().ToString("G5", CultureInfo.InvariantCulture),12}");
        }
        foreach (var baseline in baselines)
        {
            Console.WriteLine($"{"",-28} {"",12} {baseline.Name} = {baseline.Value.GetDouble().ToString("G5", CultureInfo.InvariantCulture)}");
        }

        var store = new ArtifactStore(Path.Combine(dataDirectory, "artifacts"));
        var output = Path.Combine(dataDirectory, "pipelines", id!);
        Directory.CreateDirectory(output);
        var ids = view.GetProperty("artifactIds").EnumerateArray().Select(a => a.GetString()!).ToList();
        if (view.GetProperty("gridArtifactId").GetString() is { } grid) ids.Add(grid);
        for (var i = 0; i < ids.Count; i++)
        {
            await using var source = store.OpenRead(ArtifactId.Parse(ids[i]));
            var header = new byte[4];
            var read = await source.ReadAsync(header, cancellationToken);
            source.Position = 0;
            var extension = read == 4 && header[1] == 'P' && header[2] == 'N' && header[3] == 'G' ? ".png" : ".bin";
            var name = i == ids.Count - 1 && view.GetProperty("gridArtifactId").GetString() == ids[i] ? "grid" : $"sample-{i:D3}";
            await using var target = File.Create(Path.Combine(output, name + extension));
            await source.CopyToAsync(target, cancellationToken);
        }
        if (view.GetProperty("text").GetString() is { } generated) await File.WriteAllTextAsync(Path.Combine(output, "sample.txt"), generated, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"Generated content written to {output}");
        return 0;
    }
}
