using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AigcMesh.Cli.Output;
using AigcMesh.Client;
using Spectre.Console;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc evaluate MODEL, aigc evaluations list, aigc optimise MODEL and aigc leaderboard DATASET.</summary>
public static class EvaluateCommands
{
    public static Command BuildEvaluate(CliEnvironment environment)
    {
        var model = new Argument<string>("model") { Description = "Model id" };
        var samples = new Option<int?>("--samples") { Description = "How many samples to generate for the metrics" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the evaluation is accepted" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait", DefaultValueFactory = _ => 900 };
        var command = new Command("evaluate", "Evaluate a model against its data set (metrics beside the real-vs-real floor and compressor baselines)")
        {
            model, samples, noWait, timeout,
        };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var evaluation = await context.Client.Evaluations.StartAsync(new EvaluateRequest(Parsing.Id(context.Get(model), "model"), context.Get(samples)), context.CancellationToken);
            if (!context.Get(noWait) && !evaluation.IsFinished)
            {
                evaluation = await context.Client.Evaluations.WaitAsync(evaluation.EvaluationId, TimeSpan.FromSeconds(context.Get(timeout)), context.CancellationToken);
            }
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(evaluation);
            }
            else if (evaluation.Metrics is { Count: > 0 })
            {
                context.Output.Metrics(evaluation.Metrics, evaluation.Baselines, $"evaluation {evaluation.EvaluationId} of model {evaluation.ModelId}");
            }
            else
            {
                context.Output.Line($"evaluation {evaluation.EvaluationId}: {evaluation.Status}{(evaluation.FailureReason is { } r ? $" ({r})" : "")}");
            }
            return evaluation.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return command;
    }

    public static Command BuildEvaluations(CliEnvironment environment)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Only this model's evaluations" };
        var list = new Command("list", "List evaluations, newest first") { model };
        list.SetAction(AigcCli.Handler(environment, async context =>
        {
            var modelId = context.Get(model) is { } m ? Parsing.Id(m, "model") : (Guid?)null;
            var evaluations = await context.Client.Evaluations.ListAsync(modelId, context.CancellationToken);
            context.Output.Table(evaluations, "evaluationId", "modelId", "family", "status", "trigger", "sampleCount", "metrics", "createdAt");
            return ExitCodes.Ok;
        }));
        return new Command("evaluations", "Evaluations of models") { list };
    }

    public static Command BuildOptimise(CliEnvironment environment)
    {
        var model = new Argument<string>("model") { Description = "Model id" };
        var candidates = new Option<int>("--n", "-n") { Description = "How many candidates to generate", DefaultValueFactory = _ => 16 };
        var keep = new Option<int>("--k", "-k") { Description = "How many of the best to keep", DefaultValueFactory = _ => 4 };
        var seed = new Option<long>("--seed") { Description = "Seed (same seed, same candidates)", DefaultValueFactory = _ => 0 };
        var objective = new Option<string?>("--objective") { Description = "What to score by (the service's default for the model's kind when absent)" };
        var label = new Option<int?>("--class") { Description = "Images: class label (class-conditional models)" };
        var noContrast = new Option<bool>("--no-contrast") { Description = "Images: skip the per-image contrast normalisation" };
        var prompt = new Option<string?>("--prompt") { Description = "Text: the prompt (required for text models)" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Text: maximum new tokens", DefaultValueFactory = _ => 48 };
        var temperature = new Option<double>("--temperature", "-t") { Description = "Text: sampling temperature", DefaultValueFactory = _ => 1.0 };
        var block = new Option<string[]>("--block") { Description = "Text: reject candidates containing this word (repeatable)" };
        var output = new Option<string?>("--out", "-o") { Description = "Folder to write the kept texts (best-00.txt, ...) or images (best-00.png, ...) to" };
        var command = new Command("optimise", "Best-of-n: generate n candidates, filter and score them, keep the best k")
        {
            model, candidates, keep, seed, objective, label, noContrast, prompt, maxTokens, temperature, block, output,
        };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var request = new OptimiseRequest(Parsing.Id(context.Get(model), "model"), context.Get(candidates), context.Get(keep), context.Get(seed), context.Get(objective),
                context.Get(label), !context.Get(noContrast), context.Get(prompt), context.Get(maxTokens), context.Get(temperature),
                context.Get(block) is { Length: > 0 } b ? b : null);
            var result = await context.Client.Evaluations.OptimiseAsync(request, context.CancellationToken);
            var files = new List<string>();
            if (context.Get(output) is { } folder && result.Best.Count > 0)
            {
                var path = environment.ResolvePath(folder);
                Directory.CreateDirectory(path);
                for (var i = 0; i < result.Best.Count; i++)
                {
                    var item = result.Best[i];
                    if (item.Text is { } text)
                    {
                        files.Add(Path.Combine(path, $"best-{i:00}.txt"));
                        await File.WriteAllTextAsync(files[^1], (request.Prompt ?? "") + text, context.CancellationToken);
                    }
                    else if (item.ArtifactId is { } png)
                    {
                        files.Add(Path.Combine(path, $"best-{i:00}.png"));
                        await File.WriteAllBytesAsync(files[^1], await context.Client.Evaluations.OptimisedImageAsync(png, context.CancellationToken), context.CancellationToken);
                    }
                }
            }
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(result);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .Title(Markup.Escape($"best {result.Best.Count} of {result.Candidates} ({result.Kind}) by {result.Objective}"));
            table.AddColumn("rank").AddColumn("candidate").AddColumn("seed").AddColumn("score").AddColumn(result.Kind == "text" ? "text" : "artifact");
            for (var i = 0; i < result.Best.Count; i++)
            {
                var item = result.Best[i];
                var content = item.Text is { } t ? (t.Length > 60 ? t[..60] + "…" : t).ReplaceLineEndings(" ") : item.ArtifactId ?? "";
                table.AddRow(new[] { (i + 1).ToString(CultureInfo.InvariantCulture), item.Index.ToString(CultureInfo.InvariantCulture),
                    item.Seed.ToString(CultureInfo.InvariantCulture), Renderer.Format(item.Score), content }.Select(Markup.Escape).ToArray());
            }
            context.Output.Console.Write(table);
            context.Output.Line($"mean score: all {Renderer.Format(result.MeanScoreAll)}, kept {Renderer.Format(result.MeanScoreBest)}");
            var filtered = result.Filtered.Where(f => f.Value > 0).Select(f => $"{f.Key} {f.Value}").ToList();
            context.Output.Line($"filtered: {(filtered.Count > 0 ? string.Join(", ", filtered) : "none")}");
            if (result.ContrastNormalisation is { } contrast)
            {
                context.Output.Line($"contrast normalisation: {contrast.Images} image(s), mean std {Renderer.Format(contrast.MeanStdBefore)} -> {Renderer.Format(contrast.MeanStdAfter)}");
            }
            if (files.Count > 0) context.Output.Line($"{files.Count} {(result.Kind == "text" ? "text" : "image")}(s) in {environment.ResolvePath(context.Get(output)!)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command BuildLeaderboard(CliEnvironment environment)
    {
        var dataset = new Argument<string>("dataset") { Description = "Data set id" };
        var sort = new Option<string?>("--sort", "-s") { Description = "Metric to rank by (default: fd for image data sets, bits_per_char for text)" };
        var descending = new Option<bool>("--desc") { Description = "Highest first (default: the metric's better end first)" };
        var ascending = new Option<bool>("--asc") { Description = "Lowest first" };
        var command = new Command("leaderboard", "A data set's leaderboard: every evaluated model, its metrics and the baselines") { dataset, sort, descending, ascending };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            if (context.Get(descending) && context.Get(ascending)) throw new CliException("Give --asc or --desc, not both.");
            var order = context.Get(descending) ? "desc" : context.Get(ascending) ? "asc" : null;
            var board = await context.Client.Leaderboards.GetAsync(context.Get(dataset), context.Get(sort), order, context.CancellationToken);
            var list = board.Entries;
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(board);
                return ExitCodes.Ok;
            }
            var metrics = list.SelectMany(e => e.Metrics.Keys).Distinct().OrderBy(m => m, StringComparer.Ordinal).ToList();
            var baselines = list.Select(e => e.Baselines).FirstOrDefault(b => b.Count > 0) ?? new Dictionary<string, double>();
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"leaderboard of {board.DatasetId}, by {board.SortBy} {board.Order}"));
            table.AddColumn("rank").AddColumn("model").AddColumn("family");
            foreach (var m in metrics) table.AddColumn(Markup.Escape(m));
            foreach (var entry in list)
            {
                var cells = new List<string> { entry.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.ModelId.ToString(), entry.Family ?? "" };
                cells.AddRange(metrics.Select(m => entry.Metrics.TryGetValue(m, out var v) ? Renderer.Format(v) : ""));
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
            if (baselines.Count > 0)
            {
                var cells = new List<string> { "", "baseline", "real/compressor" };
                cells.AddRange(metrics.Select(m => string.Join(" ", baselines.Where(b => b.Key.Contains(m, StringComparison.OrdinalIgnoreCase)).Select(b => Renderer.Format(b.Value)))));
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
            context.Output.Console.Write(table);
            if (baselines.Count > 0)
            {
                context.Output.Console.MarkupLine(Markup.Escape("baselines: " + string.Join(", ", baselines.Select(b => $"{b.Key}={Renderer.Format(b.Value)}"))));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
