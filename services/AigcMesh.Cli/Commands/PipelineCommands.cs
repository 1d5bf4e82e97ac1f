using System.CommandLine;
using System.Text.Json;
using AigcMesh.Client;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc pipeline run|show|watch: one call that imports or picks a data set, trains, evaluates and generates.</summary>
public static class PipelineCommands
{
    public static Command Build(CliEnvironment environment)
    {
        var command = new Command("pipeline", "The one-call pipeline: data set → training → evaluation → generated samples");
        command.Aliases.Add("pipelines");

        var dataset = new Option<string?>("--dataset", "-d") { Description = "An existing data set id" };
        var builtIn = new Option<string?>("--builtin") { Description = "Import a built-in data set first: images or text" };
        builtIn.AcceptOnlyFromAmong("images", "text");
        var training = new RunCommands.TrainingOptions();
        var samples = new Option<int?>("--samples") { Description = "Evaluation sample count" };
        var generate = new Option<int?>("--generate") { Description = "How many samples to generate at the end" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the pipeline's stages until it ends" };
        var run = new Command("run", "Start a pipeline") { dataset, builtIn, samples, generate, watch };
        training.AddTo(run);
        run.SetAction(AigcCli.Handler(environment, async context =>
        {
            if ((context.Get(dataset) is null) == (context.Get(builtIn) is null)) throw new CliException("Give exactly one of --dataset ID or --builtin images|text.");
            var import = context.Get(builtIn) is { } which
                ? new ImportDatasetRequest($"builtin-{which}", which == "images" ? "SyntheticImages" : "SyntheticText")
                : null;
            var request = new PipelineRequest(context.Get(dataset), import, context.Get(training.Family), Parsing.KeyValues(context.Get(training.Parameters), "--param"),
                training.Budget(context), context.Get(training.Seed), context.Get(samples), context.Get(generate));
            var pipeline = await context.Client.Pipelines.StartAsync(request, context.CancellationToken);
            if (!context.Get(watch))
            {
                if (context.Output.IsJson) context.Output.WriteJson(pipeline);
                else context.Output.Line($"started pipeline {pipeline.EffectiveId}");
                return ExitCodes.Ok;
            }
            return await Watch(context, pipeline.EffectiveId);
        }));
        command.Subcommands.Add(run);

        var id = new Argument<string>("pipeline") { Description = "Pipeline id" };
        var show = new Command("show", "Show a pipeline and its stages") { id };
        show.SetAction(AigcCli.Handler(environment, async context =>
        {
            var pipeline = await context.Client.Pipelines.GetAsync(Parsing.Id(context.Get(id), "pipeline"), context.CancellationToken);
            Show(context, pipeline);
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(show);

        var watchId = new Argument<string>("pipeline") { Description = "Pipeline id" };
        var watchCommand = new Command("watch", "Follow a pipeline's stages until it ends") { watchId };
        watchCommand.SetAction(AigcCli.Handler(environment, context => Watch(context, Parsing.Id(context.Get(watchId), "pipeline"))));
        command.Subcommands.Add(watchCommand);

        var list = new Command("list", "List pipelines");
        list.SetAction(AigcCli.Handler(environment, async context =>
        {
            context.Output.Table(await context.Client.Pipelines.ListAsync(context.CancellationToken), "id", "pipelineId", "status", "state", "datasetId", "runId", "modelId");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(list);
        return command;
    }

    private static async Task<int> Watch(CommandContext context, Guid pipelineId)
    {
        await foreach (var item in context.Client.Pipelines.EventsAsync(pipelineId, context.CancellationToken))
        {
            if (context.Output.IsJson)
            {
                context.Output.WriteJsonLine(new { @event = item.Type, data = JsonDocument.Parse(item.Data).RootElement });
            }
            else
            {
                context.Output.Line($"{DateTime.Now:HH:mm:ss} {item.Type}: {item.Data}");
            }
            if (item.Type is "completed" or "failed" or "final" or "pipeline-completed" or "pipeline-failed") break;
        }
        var pipeline = await context.Client.Pipelines.GetAsync(pipelineId, context.CancellationToken);
        if (!context.Output.IsJson) Show(context, pipeline);
        return pipeline.EffectiveStatus is { } s && s.Equals("completed", StringComparison.OrdinalIgnoreCase) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static void Show(CommandContext context, PipelineInfo pipeline)
    {
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(pipeline);
            return;
        }
        context.Output.Details(pipeline with { Stages = null, Metrics = null }, $"pipeline {pipeline.EffectiveId}");
        if (pipeline.Stages is { Count: > 0 } stages) context.Output.Table(stages, "name", "status", "detail");
        if (pipeline.Metrics is { Count: > 0 } metrics) context.Output.Metrics(metrics, null, "evaluation");
    }
}
