using System.CommandLine;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc models list|show</summary>
public static class ModelCommands
{
    public static Command Build(CliEnvironment environment)
    {
        var command = new Command("models", "Registered models and their lineage (data set → run → model)");
        command.Aliases.Add("model");
        var list = new Command("list", "List registered models");
        list.SetAction(AigcCli.Handler(environment, async context =>
        {
            context.Output.Table(await context.Client.Models.ListAsync(context.CancellationToken), "id", "family", "version", "datasetId", "runId", "metrics", "createdAt");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(list);

        var id = new Argument<string>("model") { Description = "Model id" };
        var show = new Command("show", "Show a model: family, config, metrics, lineage") { id };
        show.SetAction(AigcCli.Handler(environment, async context =>
        {
            var model = await context.Client.Models.GetAsync(Parsing.Id(context.Get(id), "model"), context.CancellationToken);
            context.Output.Details(model, $"model {model.Id}");
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(show);
        return command;
    }
}
