using System.CommandLine;
using System.Text.Json;
using AigcMesh.Client;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc generate MODEL: images to PNG files and a grid, or text printed token by token as it streams.</summary>
public static class GenerateCommand
{
    public static Command Build(CliEnvironment environment)
    {
        var model = new Argument<string>("model") { Description = "Model id" };
        var count = new Option<int>("--count", "-c") { Description = "Images: how many", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Seed (same seed, same output)", DefaultValueFactory = _ => 0 };
        var label = new Option<int?>("--class") { Description = "Images: class label (class-conditional models)" };
        var interpolate = new Option<long?>("--interpolate-to") { Description = "Images: walk the latent space from --seed to this seed in --count steps" };
        var output = new Option<string>("--out", "-o") { Description = "Images: folder for the PNG files and grid.png", DefaultValueFactory = _ => "generated" };
        var prompt = new Option<string?>("--prompt") { Description = "Text: the prompt" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Text: maximum new tokens", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature", "-t") { Description = "Text: sampling temperature (0 = greedy)", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int?>("--top-k") { Description = "Text: keep the k most likely tokens" };
        var topP = new Option<double?>("--top-p") { Description = "Text: nucleus sampling threshold" };
        var stop = new Option<string[]>("--stop") { Description = "Text: stop string (repeatable)" };
        var noStream = new Option<bool>("--no-stream") { Description = "Text: wait for the whole text instead of streaming tokens" };
        var command = new Command("generate", "Generate images (PNG files and a grid) or text (streamed) from a model")
        {
            model, count, seed, label, interpolate, output, prompt, maxTokens, temperature, topK, topP, stop, noStream,
        };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var modelId = Parsing.Id(context.Get(model), "model");
            var text = context.Get(prompt) is not null || ModelInfo.IsTextFamily((await context.Client.Models.GetAsync(modelId, context.CancellationToken)).Family);
            if (text)
            {
                var request = new TextGenerationRequest(context.Get(prompt) ?? "", context.Get(maxTokens), context.Get(temperature), context.Get(topK), context.Get(topP),
                    context.Get(stop) is { Length: > 0 } s ? s : null, context.Get(seed));
                return context.Get(noStream) ? await WholeText(context, modelId, request) : await StreamText(context, modelId, request);
            }
            var images = new ImageGenerationRequest(context.Get(count), context.Get(seed), context.Get(label), context.Get(interpolate));
            return await Images(context, modelId, images, environment.ResolvePath(context.Get(output)));
        }));
        return command;
    }

    private static async Task<int> Images(CommandContext context, Guid modelId, ImageGenerationRequest request, string folder)
    {
        var result = await context.Client.Generations.GenerateAsync(new GenerateRequest(modelId, Images: request), context.CancellationToken);
        List<byte[]> pngs;
        byte[]? grid;
        if (result.IsJob)
        {
            if (!context.Output.IsJson) context.Output.Line($"generation {result.GenerationId} queued as a job; waiting…");
            result = await context.Client.Generations.WaitAsync(result.GenerationId, TimeSpan.FromMinutes(30), context.CancellationToken);
            if (result.Failed) throw new CliException($"generation {result.GenerationId} failed: {result.Error}", ExitCodes.Failed);
            pngs = [];
            foreach (var id in result.ArtifactIds ?? []) pngs.Add(await context.Client.Generations.FileAsync(result.GenerationId, id, context.CancellationToken));
            grid = result.GridArtifactId is { } gridId ? await context.Client.Generations.FileAsync(result.GenerationId, gridId, context.CancellationToken) : null;
        }
        else
        {
            pngs = [.. result.Images ?? []];
            grid = result.Grid;
        }

        Directory.CreateDirectory(folder);
        var files = new List<string>();
        for (var i = 0; i < pngs.Count; i++)
        {
            var path = Path.Combine(folder, $"image-{i:000}.png");
            await File.WriteAllBytesAsync(path, pngs[i], context.CancellationToken);
            files.Add(path);
        }
        string? gridPath = null;
        if (grid is { Length: > 0 })
        {
            gridPath = Path.Combine(folder, "grid.png");
            await File.WriteAllBytesAsync(gridPath, grid, context.CancellationToken);
        }
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(new { generationId = result.GenerationId, modelId, files, grid = gridPath, modelMilliseconds = result.ModelMilliseconds });
        }
        else
        {
            context.Output.Line($"generation {result.GenerationId}: {files.Count} image(s) in {folder}{(gridPath is null ? "" : $", grid {gridPath}")}{(result.ModelMilliseconds is { } ms ? $" (model {ms:0.#} ms)" : "")}");
        }
        return files.Count > 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<int> WholeText(CommandContext context, Guid modelId, TextGenerationRequest request)
    {
        var result = await context.Client.Generations.GenerateAsync(new GenerateRequest(modelId, Text: request), context.CancellationToken);
        if (result.IsJob)
        {
            result = await context.Client.Generations.WaitAsync(result.GenerationId, TimeSpan.FromMinutes(30), context.CancellationToken);
            if (result.Failed) throw new CliException($"generation {result.GenerationId} failed: {result.Error}", ExitCodes.Failed);
            var bytes = result.ArtifactIds is [var id, ..] ? await context.Client.Generations.FileAsync(result.GenerationId, id, context.CancellationToken) : [];
            result = result with { Text = System.Text.Encoding.UTF8.GetString(bytes) };
        }
        if (context.Output.IsJson) context.Output.WriteJson(result);
        else context.Output.Line(request.Prompt + result.Text);
        return ExitCodes.Ok;
    }

    private static async Task<int> StreamText(CommandContext context, Guid modelId, TextGenerationRequest request)
    {
        if (!context.Output.IsJson) context.Output.Write(request.Prompt);
        await foreach (var item in context.Client.Generations.StreamTextAsync(modelId, request, context.CancellationToken))
        {
            if (context.Output.IsJson)
            {
                context.Output.WriteJsonLine(new { @event = item.Type, data = JsonDocument.Parse(item.Data).RootElement });
                if (item.Type == "error") return ExitCodes.Failed;
                continue;
            }
            switch (item.Type)
            {
                case "token":
                    context.Output.Write(item.Json.TryGetProperty("text", out var piece) ? piece.GetString() ?? "" : "");
                    break;
                case "error":
                    context.Output.Line("");
                    throw new CliException($"generation failed: {(item.Json.TryGetProperty("reason", out var reason) ? reason.GetString() : item.Data)}", ExitCodes.Failed);
            }
        }
        if (!context.Output.IsJson) context.Output.Line("");
        return ExitCodes.Ok;
    }
}
