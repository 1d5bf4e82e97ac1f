using System.CommandLine;
using AigcMesh.Client;
using Spectre.Console;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc datasets import|list|show|preview|delete</summary>
public static class DatasetCommands
{
    public static Command Build(CliEnvironment environment)
    {
        var command = new Command("datasets", "Import, list, show, preview and delete data sets");
        command.Aliases.Add("dataset");
        command.Subcommands.Add(Import(environment));
        command.Subcommands.Add(List(environment));
        command.Subcommands.Add(Show(environment));
        command.Subcommands.Add(Preview(environment));
        command.Subcommands.Add(Delete(environment));
        command.Subcommands.Add(Imports(environment));
        return command;
    }

    private static Command Import(CliEnvironment environment)
    {
        var name = new Option<string?>("--name", "-n") { Description = "Name of the data set (default: from the source)" };
        var builtIn = new Option<string?>("--builtin") { Description = "A built-in data set: images (synthetic shapes) or text (small corpus)" };
        builtIn.AcceptOnlyFromAmong("images", "text", ImportDatasetRequest.SyntheticImages, ImportDatasetRequest.SyntheticText);
        var serverPath = new Option<string?>("--path") { Description = "A path on the server, under one of its configured import roots" };
        var files = new Option<string[]>("--file", "-f") { Description = "Local file(s) to upload (an IDX image file and its label file; a zip of an image folder; a text file)", AllowMultipleArgumentsPerToken = true };
        var kind = new Option<string?>("--kind") { Description = $"Source format: {string.Join(", ", DatasetsClient.Kinds)} (default: guessed from the file name)" };
        kind.AcceptOnlyFromAmong([.. DatasetsClient.Kinds]);
        var imageSize = new Option<int?>("--image-size") { Description = "Target image size in pixels (square)" };
        var channels = new Option<int?>("--channels") { Description = "Target channel count (1 or 3)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the train/validation/test split" };
        var vocabulary = new Option<int?>("--bpe-vocab") { Description = "BPE vocabulary size for text" };
        var textField = new Option<string?>("--text-field") { Description = "JSON Lines: the field holding the text" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the import is accepted instead of waiting for the data set" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the import", DefaultValueFactory = _ => 600 };
        var command = new Command("import", "Import a data set from local files, a server path or a built-in source")
        {
            name, builtIn, serverPath, files, kind, imageSize, channels, seed, vocabulary, textField, noWait, timeout,
        };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var options = new DatasetImportSettings(context.Get(imageSize), context.Get(channels), null, null, context.Get(seed), context.Get(vocabulary), context.Get(textField));
            var fileList = context.Get(files) ?? [];
            var sources = (context.Get(builtIn) is not null ? 1 : 0) + (context.Get(serverPath) is not null ? 1 : 0) + (fileList.Length > 0 ? 1 : 0);
            if (sources != 1) throw new CliException("Give exactly one source: --builtin images|text, --path SERVER_PATH or --file LOCAL_FILE.");

            DatasetImportStatus accepted;
            if (context.Get(builtIn) is { } which)
            {
                var set = which is "images" or ImportDatasetRequest.SyntheticImages ? ImportDatasetRequest.SyntheticImages : ImportDatasetRequest.SyntheticText;
                accepted = await context.Client.Datasets.ImportAsync(ImportDatasetRequest.BuiltIn(set, options), context.CancellationToken);
            }
            else if (context.Get(serverPath) is { } path)
            {
                accepted = await context.Client.Datasets.ImportAsync(ImportDatasetRequest.ServerPath(KindOf(context.Get(kind), path), path, context.Get(name), options), context.CancellationToken);
            }
            else
            {
                var paths = fileList.Select(environment.ResolvePath).ToList();
                foreach (var missing in paths.Where(p => !File.Exists(p))) throw new CliException($"No such file: {missing}");
                accepted = await Upload(context, KindOf(context.Get(kind), paths[0]), context.Get(name), paths, options);
            }

            if (context.Get(noWait))
            {
                Finish(context, accepted);
                return ExitCodes.Ok;
            }
            var finished = await WaitForImport(context, accepted, TimeSpan.FromSeconds(context.Get(timeout)));
            Finish(context, finished);
            return finished.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<DatasetImportStatus> Upload(CommandContext context, string kind, string? name, List<string> paths, DatasetImportSettings options)
    {
        if (!context.Output.Interactive)
        {
            return await context.Client.Datasets.UploadAsync(kind, paths, name, options, null, context.CancellationToken);
        }
        var total = paths.Sum(p => new FileInfo(p).Length);
        DatasetImportStatus? result = null;
        await context.Output.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape($"upload {Path.GetFileName(paths[0])}"), maxValue: Math.Max(1, total));
                result = await context.Client.Datasets.UploadAsync(kind, paths, name, options, new Progress<long>(done => task.Value = done), context.CancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static async Task<DatasetImportStatus> WaitForImport(CommandContext context, DatasetImportStatus accepted, TimeSpan timeout)
    {
        if (accepted.IsFinished) return accepted;
        if (!context.Output.Interactive)
        {
            return await context.Client.Datasets.WaitForImportAsync(accepted.Id, timeout, null, context.CancellationToken);
        }
        DatasetImportStatus? result = null;
        await context.Output.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape($"import {accepted.Name}"), maxValue: 1);
                result = await context.Client.Datasets.WaitForImportAsync(accepted.Id, timeout, new Progress<DatasetImportStatus>(s =>
                {
                    if (s.ItemsTotal is > 0 and var total)
                    {
                        task.MaxValue = total;
                        task.Value = s.ItemsDone ?? 0;
                    }
                    if (s.Stage is { Length: > 0 } stage) task.Description = Markup.Escape($"import {accepted.Name}: {stage}");
                }), context.CancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static void Finish(CommandContext context, DatasetImportStatus status)
    {
        if (context.Output.IsJson)
        {
            context.Output.WriteJson(status);
        }
        else if (status.Succeeded)
        {
            context.Output.Line($"imported {status.Name} as data set {status.DatasetId}{(status.AlreadyExisted == true ? " (the same bytes were imported before)" : "")}");
        }
        else if (status.Failed)
        {
            context.Environment.Error.WriteLine($"error: import {status.Id} of {status.Name} failed: {status.Error}");
        }
        else
        {
            context.Output.Line($"import {status.Id} accepted ({status.State}); follow it with: aigc datasets imports");
        }
    }

    /// <summary>The source kind for a file or folder: the one given, else guessed from its name.</summary>
    public static string KindOf(string? given, string path)
    {
        if (given is not null) return given;
        var file = Path.GetFileName(path.TrimEnd('/')).ToLowerInvariant();
        if (file.Contains("idx", StringComparison.Ordinal) || file.EndsWith("-ubyte", StringComparison.Ordinal) || file.EndsWith("-ubyte.gz", StringComparison.Ordinal)) return "idx";
        if (file.EndsWith(".zip", StringComparison.Ordinal) || Directory.Exists(path)) return "image-folder";
        if (file.EndsWith(".jsonl", StringComparison.Ordinal) || file.EndsWith(".ndjson", StringComparison.Ordinal)) return "json-lines";
        if (path.Contains("fortunes", StringComparison.Ordinal)) return "fortune";
        if (file.EndsWith(".txt", StringComparison.Ordinal)) return "plain-text";
        throw new CliException($"Cannot tell the format of '{path}' from its name: give --kind ({string.Join(", ", DatasetsClient.Kinds)}).");
    }

    private static Command Imports(CliEnvironment environment)
    {
        var command = new Command("imports", "List recent imports and their state");
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var imports = await context.Client.Datasets.ListImportsAsync(context.CancellationToken);
            context.Output.Table(imports, "id", "name", "kind", "state", "stage", "itemsDone", "itemsTotal", "datasetId", "error");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(CliEnvironment environment)
    {
        var command = new Command("list", "List the data sets");
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var datasets = await context.Client.Datasets.ListAsync(context.CancellationToken);
            context.Output.Table(datasets, "id", "name", "modality", "sourceKind", "trainCount", "validationCount", "testCount", "classCount", "sizeBytes", "createdAt");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliEnvironment environment)
    {
        var id = new Argument<string>("dataset") { Description = "Data set id" };
        var command = new Command("show", "Show a data set's manifest and statistics") { id };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var details = await context.Client.Datasets.GetAsync(context.Get(id), context.CancellationToken);
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(details);
                return ExitCodes.Ok;
            }
            context.Output.Details(details.Dataset, $"data set {details.Dataset.Name}");
            if (details.Statistics is { } statistics) context.Output.Details(statistics, "statistics");
            if (details.ActiveRuns is { Count: > 0 } runs) context.Output.Line($"used by run(s): {string.Join(", ", runs)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Preview(CliEnvironment environment)
    {
        var id = new Argument<string>("dataset") { Description = "Data set id" };
        var output = new Option<string>("--out", "-o") { Description = "PNG file to write", DefaultValueFactory = _ => "preview.png" };
        var command = new Command("preview", "Save a data set's preview grid as a PNG (image data sets) or print its sample text") { id, output };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var preview = await context.Client.Datasets.PreviewAsync(context.Get(id), context.CancellationToken);
            var bytes = preview.Content;
            if (preview.IsImage)
            {
                var path = environment.ResolvePath(context.Get(output));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, bytes, context.CancellationToken);
                if (context.Output.IsJson) context.Output.WriteJson(new { file = path, bytes = bytes.Length });
                else context.Output.Line($"wrote {path} ({bytes.Length} bytes)");
            }
            else
            {
                context.Output.Line(System.Text.Encoding.UTF8.GetString(bytes));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Delete(CliEnvironment environment)
    {
        var id = new Argument<string>("dataset") { Description = "Data set id" };
        var command = new Command("delete", "Delete a data set (refused while a run uses it)") { id };
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            await context.Client.Datasets.DeleteAsync(context.Get(id), context.CancellationToken);
            if (context.Output.IsJson) context.Output.WriteJson(new { deleted = context.Get(id) });
            else context.Output.Line($"deleted {context.Get(id)}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
