using System.CommandLine;
using AigcMesh.Client;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc sweeps start|list|show|cancel</summary>
public static class SweepCommands
{
    public static Command Build(CliEnvironment environment)
    {
        var command = new Command("sweeps", "Hyperparameter sweeps: a grid or random search expanded into runs");
        command.Aliases.Add("sweep");

        var dataset = new Option<string>("--dataset", "-d") { Description = "Data set id", Required = true };
        var training = new RunCommands.TrainingOptions();
        var grid = new Option<string[]>("--grid") { Description = "name=v1,v2,... values to search (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var strategy = new Option<string>("--strategy") { Description = "grid or random", DefaultValueFactory = _ => "grid" };
        strategy.AcceptOnlyFromAmong("grid", "random");
        var trials = new Option<int?>("--trials") { Description = "Random search: how many runs" };
        var start = new Command("start", "Start a sweep") { dataset, grid, strategy, trials };
        training.AddTo(start);
        start.SetAction(AigcCli.Handler(environment, async context =>
        {
            var values = Parsing.KeyValues(context.Get(grid), "--grid")
                .ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var request = new SweepRequest(context.Get(dataset), context.Get(training.Family), values, context.Get(strategy), context.Get(trials),
                Parsing.KeyValues(context.Get(training.Parameters), "--param"), training.Budget(context), context.Get(training.Seed), training.DeviceName(context));
            var sweep = await context.Client.Sweeps.StartAsync(request, context.CancellationToken);
            if (context.Output.IsJson) context.Output.WriteJson(sweep);
            else
            {
                context.Output.Line($"started sweep {sweep.Id}");
                if (sweep.Runs is { Count: > 0 } runs) context.Output.Table(runs, "id", "status", "family");
            }
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(start);

        var list = new Command("list", "List sweeps");
        list.SetAction(AigcCli.Handler(environment, async context =>
        {
            context.Output.Table(await context.Client.Sweeps.ListAsync(context.CancellationToken), "id", "family", "datasetId", "status", "bestRunId");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(list);

        var id = new Argument<string>("sweep") { Description = "Sweep id" };
        var show = new Command("show", "Show a sweep, its runs and the best run") { id };
        show.SetAction(AigcCli.Handler(environment, async context =>
        {
            var sweep = await context.Client.Sweeps.GetAsync(Parsing.Id(context.Get(id), "sweep"), context.CancellationToken);
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(sweep);
                return ExitCodes.Ok;
            }
            context.Output.Details(sweep with { Runs = null }, $"sweep {sweep.Id}");
            if (sweep.Runs is { Count: > 0 } runs) context.Output.Table(runs, "id", "status", "step", "losses", "modelId");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(show);

        var cancelId = new Argument<string>("sweep") { Description = "Sweep id" };
        var cancel = new Command("cancel", "Cancel a sweep's runs") { cancelId };
        cancel.SetAction(AigcCli.Handler(environment, async context =>
        {
            var sweepId = Parsing.Id(context.Get(cancelId), "sweep");
            await context.Client.Sweeps.CancelAsync(sweepId, context.CancellationToken);
            if (context.Output.IsJson) context.Output.WriteJson(new { cancelled = sweepId });
            else context.Output.Line($"cancel requested for sweep {sweepId}");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(cancel);
        return command;
    }
}
