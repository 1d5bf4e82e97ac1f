using System.CommandLine;
using System.Text.Json;
using AigcMesh.Client;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc pipeline run|show|watch|list: one call that imports or picks a data set, trains, evaluates and generates.</summary>
public static class PipelineCommands
{
    public static Command Build(CliEnvironment environment)
    {
        var command = new Command("pipeline", "The one-call pipeline: data set → training → evaluation → generated samples");
        command.Aliases.Add("pipelines");

        var dataset = new Option<string?>("--dataset", "-d") { Description = "An existing data set id (default: the built-in set for the family)" };
        var builtIn = new Option<string?>("--builtin") { Description = "A built-in data set: images or text (default: the one for the family's modality)" };
        builtIn.AcceptOnlyFromAmong("images", "text", ImportDatasetRequest.SyntheticImages, ImportDatasetRequest.SyntheticText);
        var training = new RunCommands.TrainingOptions();
        var evaluationSamples = new Option<int?>("--eval-samples") { Description = "How many samples the evaluation draws" };
        var count = new Option<int?>("--count") { Description = "Images to generate at the end (image families)" };
        var prompt = new Option<string?>("--prompt") { Description = "Prompt of the text generated at the end (text families)" };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Tokens to generate at the end (text families)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the pipeline's stages until it ends" };
        var run = new Command("run", "Start a pipeline") { dataset, builtIn, evaluationSamples, count, prompt, maxTokens, watch };
        training.AddTo(run);
        run.SetAction(AigcCli.Handler(environment, async context =>
        {
            if (context.Get(dataset) is not null && context.Get(builtIn) is not null) throw new CliException("Give --dataset ID or --builtin images|text, not both.");
            var set = context.Get(builtIn) switch
            {
                null => null,
                "images" or ImportDatasetRequest.SyntheticImages => ImportDatasetRequest.SyntheticImages,
                _ => ImportDatasetRequest.SyntheticText,
            };
            var samples = context.Get(count) is null && context.Get(prompt) is null && context.Get(maxTokens) is null
                ? null
                : new PipelineSamples(context.Get(count), context.Get(prompt), context.Get(maxTokens));
            var request = new PipelineRequest(context.Get(training.Family), set, context.Get(dataset), Parsing.KeyValues(context.Get(training.Parameters), "--param"),
                context.Get(training.Steps), context.Get(training.Seconds), context.Get(training.Seed), context.Get(evaluationSamples), samples);
            var pipeline = await context.Client.Pipelines.StartAsync(request, context.CancellationToken);
            if (!context.Get(watch))
            {
                if (context.Output.IsJson) context.Output.WriteJson(pipeline);
                else context.Output.Line($"started pipeline {pipeline.Id} ({pipeline.Status})");
                return ExitCodes.Ok;
            }
            if (!context.Output.IsJson) context.Output.Line($"started pipeline {pipeline.Id}");
            return await Watch(context, pipeline.Id);
        }));
        command.Subcommands.Add(run);

        var id = new Argument<string>("pipeline") { Description = "Pipeline id" };
        var show = new Command("show", "Show a pipeline: its stages, metrics beside the baselines, and what it generated") { id };
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

        var list = new Command("list", "List recent pipelines");
        list.SetAction(AigcCli.Handler(environment, async context =>
        {
            context.Output.Table(await context.Client.Pipelines.ListAsync(context.CancellationToken), "id", "status", "family", "builtInDataset", "datasetId", "modelId", "createdAt");
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
            else if (item.Type == "stage")
            {
                var stage = item.As<PipelineStageInfo>();
                context.Output.Line($"{DateTime.Now:HH:mm:ss} {stage?.Stage}: {stage?.Status}");
            }
            else if (item.Type == "snapshot")
            {
                var snapshot = item.As<PipelineInfo>();
                context.Output.Line($"{DateTime.Now:HH:mm:ss} pipeline {pipelineId}: {snapshot?.Status}");
            }
            if (item.Type is "completed" or "failed") break;
        }
        var pipeline = await context.Client.Pipelines.GetAsync(pipelineId, context.CancellationToken);
        if (!context.Output.IsJson) Show(context, pipeline);
        return pipeline.Completed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static void Show(CommandContext context, PipelineInfo pipeline)
    {
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(pipeline);
            return;
        }
        context.Output.Line($"pipeline {pipeline.Id}: {pipeline.Status} ({pipeline.Family} on {pipeline.DatasetId ?? pipeline.BuiltInDataset}){(pipeline.ModelId is { } m ? $", model {m}" : "")}");
        if (pipeline.Stages is { Count: > 0 } stages) context.Output.Table(stages, "stage", "status");
        if (pipeline.Failure is { } failure) context.Environment.Error.WriteLine($"error: the {failure.Stage} stage failed: {failure.Reason}");
        if (pipeline.Metrics is { Count: > 0 } metrics) context.Output.Metrics(metrics, pipeline.Baselines, "evaluation");
        if (pipeline.GridArtifactId is { } grid) context.Output.Line($"generated grid: artifact {grid} ({pipeline.ArtifactIds?.Count ?? 0} image(s))");
        if (pipeline.Text is { Length: > 0 } text) context.Output.Line($"generated text:{Environment.NewLine}{text}");
    }
}
