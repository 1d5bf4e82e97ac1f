using System.CommandLine;
using System.Text.Json;
using AigcMesh.Cli.Output;
using AigcMesh.Client;
using Spectre.Console;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc evaluate MODEL and aigc leaderboard DATASET.</summary>
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
