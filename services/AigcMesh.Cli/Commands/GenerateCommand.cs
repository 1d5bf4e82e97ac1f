using System.CommandLine;
using System.Text.Json;
using AigcMesh.Client;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc generate MODEL: images to PNG files and a grid, or text printed token by token as it streams.</summary>
public static class GenerateCommand
{
    private static readonly string[] TextFamilies = ["gpt", "lstm"];

    public static Command Build(CliEnvironment environment)
    {
        var model = new Argument<string>("model") { Description = "Model id" };
        var count = new Option<int>("--count", "-c") { Description = "Images: how many", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Seed (same seed, same output)", DefaultValueFactory = _ => 0 };
        var label = new Option<int?>("--class") { Description = "Images: class label (class-conditional models)" };
        var output = new Option<string>("--out", "-o") { Description = "Images: folder for the PNG files and grid.png", DefaultValueFactory = _ => "generated" };
        var prompt = new Option<string?>("--prompt") { Description = "Text: the prompt (implies a text model)" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Text: maximum new tokens", DefaultValueFactory = _ => 200 };
        var temperature = new Option<double>("--temperature", "-t") { Description = "Text: sampling temperature", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int?>("--top-k") { Description = "Text: keep the k most likely tokens" };
        var topP = new Option<double?>("--top-p") { Description = "Text: nucleus sampling threshold" };
        var stop = new Option<string[]>("--stop") { Description = "Text: stop string (repeatable)" };
        var noStream = new Option<bool>("--no-stream") { Description = "Text: wait for the whole text instead of streaming tokens" };
        var command = new Command("generate", "Generate images or text from a model")
        {
            model, count, seed, label, output, prompt, maxTokens, temperature, topK, topP, stop, noStream,
        };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var modelId = Parsing.Id(context.Get(model), "model");
            var text = context.Get(prompt) is not null;
            if (!text)
            {
                var info = await context.Client.Models.GetAsync(modelId, context.CancellationToken);
                text = info.Family is { } family && TextFamilies.Contains(family, StringComparer.OrdinalIgnoreCase);
            }
            if (text)
            {
                var request = new TextGenerationRequest(context.Get(prompt) ?? "", context.Get(maxTokens), context.Get(temperature), context.Get(topK), context.Get(topP),
                    context.Get(stop) is { Length: > 0 } s ? s : null, context.Get(seed));
                return context.Get(noStream) ? await WholeText(context, modelId, request) : await StreamText(context, modelId, request);
            }
            return await Images(context, modelId, new ImageGenerationRequest(context.Get(count), context.Get(seed), context.Get(label)), environment.ResolvePath(context.Get(output)));
        }));
        return command;
    }

    private static async Task<int> Images(CommandContext context, Guid modelId, ImageGenerationRequest request, string folder)
    {
        var result = await context.Client.Generations.GenerateAsync(new GenerateRequest(modelId, Images: request), context.CancellationToken);
        result = await WaitIfJob(context, result);
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        var ids = result.ArtifactIds ?? [];
        for (var i = 0; i < ids.Count; i++)
        {
            var path = Path.Combine(folder, $"image-{i:000}.png");
            await File.WriteAllBytesAsync(path, await context.Client.Artifacts.GetAsync(ids[i], context.CancellationToken), context.CancellationToken);
            files.Add(path);
        }
        string? grid = null;
        if (result.GridArtifactId is { Length: > 0 } gridId)
        {
            grid = Path.Combine(folder, "grid.png");
            await File.WriteAllBytesAsync(grid, await context.Client.Artifacts.GetAsync(gridId, context.CancellationToken), context.CancellationToken);
        }
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(new { generation = result, files, grid });
        }
        else
        {
            context.Output.Line($"generation {result.EffectiveId}: {files.Count} image(s) in {folder}{(grid is null ? "" : $", grid {grid}")}{(result.ModelMilliseconds is { } ms ? $" (model {ms:0.#} ms)" : "")}");
        }
        return files.Count > 0 || grid is not null ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<int> WholeText(CommandContext context, Guid modelId, TextGenerationRequest request)
    {
        var result = await context.Client.Generations.GenerateAsync(new GenerateRequest(modelId, Text: request), context.CancellationToken);
        result = await WaitIfJob(context, result);
        if (context.Output.IsJson) context.Output.WriteJson(result);
        else context.Output.Line(request.Prompt + result.Text);
        return ExitCodes.Ok;
    }

    private static async Task<int> StreamText(CommandContext context, Guid modelId, TextGenerationRequest request)
    {
        if (!context.Output.IsJson) context.Output.Write(request.Prompt);
        var tokens = 0;
        await foreach (var item in context.Client.Generations.StreamTextAsync(modelId, request, context.CancellationToken))
        {
            if (context.Output.IsJson)
            {
                context.Output.WriteJsonLine(new { @event = item.Type, data = JsonDocument.Parse(item.Data).RootElement });
                continue;
            }
            if (item.Type is "token" or "message" && TokenText(item.Data) is { } token)
            {
                tokens++;
                context.Output.Write(token);
            }
            else if (item.Type is "error" or "failed")
            {
                context.Output.Line("");
                throw new CliException($"generation failed: {item.Data}", ExitCodes.Failed);
            }
        }
        if (!context.Output.IsJson) context.Output.Line("");
        return ExitCodes.Ok;
    }

    private static string? TokenText(string data)
    {
        try
        {
            using var json = JsonDocument.Parse(data);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.String) return root.GetString();
            foreach (var name in new[] { "text", "token", "piece" })
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String) return value.GetString();
            }
            return null;
        }
        catch (JsonException)
        {
            return data;
        }
    }

    /// <summary>A large request answers 202 with a job: poll it until its result is there.</summary>
    private static async Task<GenerationResult> WaitIfJob(CommandContext context, GenerationResult result)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
        while (result.ArtifactIds is null && result.Text is null && result.GridArtifactId is null)
        {
            if (result.Status is { } status && status.Equals("failed", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"generation failed: {result.Reason}", ExitCodes.Failed);
            }
            if (DateTimeOffset.UtcNow > deadline) throw new CliException("generation did not finish in 10 minutes", ExitCodes.Timeout);
            await Task.Delay(250, context.CancellationToken);
            result = await context.Client.Generations.GetAsync(result.EffectiveId, context.CancellationToken);
        }
        return result;
    }
}
