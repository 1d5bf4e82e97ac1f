using System.CommandLine;
using System.Text.Json;
using AigcMesh.Cli.Output;
using AigcMesh.Client;
using Spectre.Console;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc runs start|list|show|watch|cancel</summary>
public static class RunCommands
{
    public static Command Build(CliEnvironment environment)
    {
        var command = new Command("runs", "Start, list, watch and cancel training runs");
        command.Aliases.Add("run");
        command.Subcommands.Add(Start(environment));
        command.Subcommands.Add(List(environment));
        command.Subcommands.Add(Show(environment));
        command.Subcommands.Add(Watch(environment));
        command.Subcommands.Add(Cancel(environment));
        return command;
    }

    /// <summary>Options shared by runs start, sweeps start and pipeline run.</summary>
    public sealed class TrainingOptions
    {
        public Option<string> Family { get; } = new("--family") { Description = "Model family: dcgan, vae, gpt, lstm", Required = true };
        public Option<string[]> Parameters { get; } = new("--param", "-p") { Description = "Hyperparameter name=value (repeatable), e.g. -p learning_rate=0.0002", AllowMultipleArgumentsPerToken = true };
        public Option<int?> Steps { get; } = new("--steps") { Description = "Budget: maximum training steps" };
        public Option<double?> Seconds { get; } = new("--seconds") { Description = "Budget: maximum wall-clock seconds" };
        public Option<int?> Seed { get; } = new("--seed") { Description = "Seed (runs are reproducible)" };
        public Option<string?> Device { get; } = new("--device") { Description = "Device preference: auto, cpu, cuda" };

        public TrainingOptions()
        {
            Family.AcceptOnlyFromAmong("dcgan", "vae", "gpt", "lstm");
            Device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        }

        public void AddTo(Command command)
        {
            command.Options.Add(Family);
            command.Options.Add(Parameters);
            command.Options.Add(Steps);
            command.Options.Add(Seconds);
            command.Options.Add(Seed);
            command.Options.Add(Device);
        }

        public TrainingBudgetRequest? Budget(CommandContext context) =>
            context.Get(Steps) is null && context.Get(Seconds) is null ? null : new TrainingBudgetRequest(context.Get(Steps), context.Get(Seconds));

        public string? DeviceName(CommandContext context) => context.Get(Device) switch
        {
            null => null,
            "cpu" => "Cpu",
            "cuda" => "Cuda",
            _ => "Auto",
        };
    }

    private static Command Start(CliEnvironment environment)
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "Data set id", Required = true };
        var training = new TrainingOptions();
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the run's progress until it ends" };
        var command = new Command("start", "Start a training run") { dataset, watch };
        training.AddTo(command);
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var request = new StartRunRequest(context.Get(dataset), context.Get(training.Family), Parsing.KeyValues(context.Get(training.Parameters), "--param"),
                training.Budget(context), context.Get(training.Seed), training.DeviceName(context));
            var run = await context.Client.Runs.StartAsync(request, context.CancellationToken);
            if (!context.Get(watch))
            {
                if (context.Output.IsJson) context.Output.WriteJson(run);
                else context.Output.Line($"started run {run.Id} ({run.Family ?? request.Family} on {request.DatasetId})");
                return ExitCodes.Ok;
            }
            if (!context.Output.IsJson) context.Output.Line($"started run {run.Id}");
            return await WatchRun(context, run.Id);
        }));
        return command;
    }

    private static Command List(CliEnvironment environment)
    {
        var command = new Command("list", "List training runs");
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var runs = await context.Client.Runs.ListAsync(context.CancellationToken);
            context.Output.Table(runs, "id", "family", "datasetId", "status", "step", "totalSteps", "losses", "modelId", "createdAt");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliEnvironment environment)
    {
        var id = new Argument<string>("run") { Description = "Run id" };
        var command = new Command("show", "Show a run") { id };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var run = await context.Client.Runs.GetAsync(Parsing.Id(context.Get(id), "run"), context.CancellationToken);
            context.Output.Details(run, $"run {run.Id}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Watch(CliEnvironment environment)
    {
        var id = new Argument<string>("run") { Description = "Run id" };
        var command = new Command("watch", "Follow a run's progress (from its event stream) until it ends") { id };
        command.SetAction(AigcCli.Handler(environment, context => WatchRun(context, Parsing.Id(context.Get(id), "run"))));
        return command;
    }

    private static Command Cancel(CliEnvironment environment)
    {
        var id = new Argument<string>("run") { Description = "Run id" };
        var command = new Command("cancel", "Cancel a run") { id };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var runId = Parsing.Id(context.Get(id), "run");
            await context.Client.Runs.CancelAsync(runId, context.CancellationToken);
            if (context.Output.IsJson) context.Output.WriteJson(new { cancelled = runId });
            else context.Output.Line($"cancel requested for run {runId}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Follows a run's SSE stream: a progress bar (interactive), one line per event (plain) or JSON lines (--json).</summary>
    public static async Task<int> WatchRun(CommandContext context, Guid runId)
    {
        ServerSentEvent? last = null;
        var output = context.Output;
        if (output.Interactive)
        {
            await output.Console.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"run {runId.ToString()[..8]}", maxValue: 1);
                    task.IsIndeterminate = true;
                    await foreach (var item in context.Client.Runs.WatchAsync(runId, context.CancellationToken))
                    {
                        last = item;
                        if (TryProgress(item) is { } p)
                        {
                            task.IsIndeterminate = p.TotalSteps is null;
                            if (p.TotalSteps is > 0 and var total) task.MaxValue = total;
                            task.Value = p.Step;
                            task.Description = Markup.Escape($"step {p.Step} {LossText(p)} {p.ItemsPerSecond:0}/s");
                        }
                    }
                    task.Value = task.MaxValue;
                    task.StopTask();
                });
        }
        else
        {
            await foreach (var item in context.Client.Runs.WatchAsync(runId, context.CancellationToken))
            {
                last = item;
                if (output.IsJson)
                {
                    output.WriteJsonLine(new { @event = item.Type, data = Parse(item.Data) });
                }
                else if (TryProgress(item) is { } p)
                {
                    output.Line($"step {p.Step}{(p.TotalSteps is { } t ? $"/{t}" : "")} {LossText(p)} {p.ItemsPerSecond:0.#} items/s{(p.EtaSeconds is { } eta ? $" eta {eta:0}s" : "")}");
                }
                else
                {
                    output.Line($"{item.Type}: {item.Data}");
                }
            }
        }
        if (last is null) throw new CliException($"The event stream of run {runId} ended without any event.", ExitCodes.Failed);
        var run = await context.Client.Runs.GetAsync(runId, context.CancellationToken);
        if (!output.IsJson)
        {
            output.Line($"run {runId}: {run.Status ?? last.Type}{(run.ModelId is { } m ? $", model {m}" : "")}{(run.Reason is { Length: > 0 } r ? $" ({r})" : "")}");
        }
        return string.Equals(run.Status, "completed", StringComparison.OrdinalIgnoreCase) || last.Type.Contains("completed", StringComparison.OrdinalIgnoreCase)
            ? ExitCodes.Ok : ExitCodes.Failed;
    }

    internal static RunProgress? TryProgress(ServerSentEvent item)
    {
        if (!item.Type.Contains("progress", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return item.As<RunProgress>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string LossText(RunProgress p) =>
        string.Join(" ", (p.Losses ?? new Dictionary<string, double>()).Select(l => $"{l.Key}={Renderer.Format(l.Value)}"));

    private static object Parse(string data)
    {
        try
        {
            return JsonDocument.Parse(data).RootElement;
        }
        catch (JsonException)
        {
            return data;
        }
    }
}
