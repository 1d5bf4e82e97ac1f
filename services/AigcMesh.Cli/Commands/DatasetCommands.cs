using System.CommandLine;
using AigcMesh.Client;
using Spectre.Console;

namespace AigcMesh.Cli.Commands;

/// <summary>aigc datasets import|list|show|preview|delete</summary>
public static class DatasetCommands
{
    /// <summary>Friendly source names on the command line, and the service's source kinds they mean.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["idx"] = "Idx",
        ["image-folder"] = "ImageFolder",
        ["text"] = "PlainText",
        ["fortune"] = "FortuneText",
        ["jsonl"] = "JsonLines",
        ["synthetic-images"] = "SyntheticImages",
        ["synthetic-text"] = "SyntheticText",
    };

    public static Command Build(CliEnvironment environment)
    {
        var command = new Command("datasets", "Import, list, show, preview and delete data sets");
        command.Aliases.Add("dataset");
        command.Subcommands.Add(Import(environment));
        command.Subcommands.Add(List(environment));
        command.Subcommands.Add(Show(environment));
        command.Subcommands.Add(Preview(environment));
        command.Subcommands.Add(Delete(environment));
        return command;
    }

    private static Command Import(CliEnvironment environment)
    {
        var name = new Option<string?>("--name", "-n") { Description = "Name of the data set (default: from the source)" };
        var builtIn = new Option<string?>("--builtin") { Description = "A built-in data set: images (synthetic shapes) or text (small corpus)" };
        builtIn.AcceptOnlyFromAmong("images", "text");
        var serverPath = new Option<string?>("--path") { Description = "A path on the server, under one of its configured import roots" };
        var files = new Option<string[]>("--file", "-f") { Description = "Local file(s) to upload (an IDX image file then its label file; a zip of an image folder; a text file)", AllowMultipleArgumentsPerToken = true };
        var kind = new Option<string?>("--kind") { Description = "Source format: " + string.Join(", ", Kinds.Keys.Take(5)) + " (default: guessed from the file name)" };
        kind.AcceptOnlyFromAmong([.. Kinds.Keys]);
        var imageSize = new Option<int?>("--image-size") { Description = "Target image size in pixels (square)" };
        var channels = new Option<int?>("--channels") { Description = "Target channel count (1 or 3)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the train/validation/test split" };
        var vocabulary = new Option<int?>("--bpe-vocab") { Description = "BPE vocabulary size for text" };
        var textField = new Option<string?>("--text-field") { Description = "JSON Lines: the field holding the text" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the import is accepted instead of waiting for the data set" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the import", DefaultValueFactory = _ => 600 };
        var command = new Command("import", "Import a data set from a local file, a server path or a built-in source")
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
                var sourceKind = which == "images" ? "SyntheticImages" : "SyntheticText";
                accepted = await context.Client.Datasets.ImportAsync(new ImportDatasetRequest(context.Get(name) ?? $"builtin-{which}", sourceKind, Options: options), context.CancellationToken);
            }
            else if (context.Get(serverPath) is { } path)
            {
                var sourceKind = KindOf(context.Get(kind), path);
                accepted = await context.Client.Datasets.ImportAsync(new ImportDatasetRequest(context.Get(name) ?? Path.GetFileNameWithoutExtension(path), sourceKind, ServerPath: path, Options: options), context.CancellationToken);
            }
            else
            {
                var paths = fileList.Select(environment.ResolvePath).ToList();
                foreach (var missing in paths.Where(p => !File.Exists(p))) throw new CliException($"No such file: {missing}");
                var sourceKind = KindOf(context.Get(kind), paths[0]);
                var datasetName = context.Get(name) ?? Path.GetFileNameWithoutExtension(paths[0].Replace(".gz", "", StringComparison.Ordinal));
                accepted = await Upload(context, datasetName, sourceKind, paths, options);
            }

            if (context.Get(noWait) || accepted.DatasetId is { Length: > 0 } && accepted.ImportId == Guid.Empty)
            {
                Finish(context, accepted);
                return ExitCodes.Ok;
            }
            var finished = await WaitForImport(context, accepted, TimeSpan.FromSeconds(context.Get(timeout)));
            Finish(context, finished);
            return finished.DatasetId is { Length: > 0 } ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<DatasetImportStatus> Upload(CommandContext context, string name, string sourceKind, List<string> paths, DatasetImportSettings options)
    {
        if (!context.Output.Interactive)
        {
            return await context.Client.Datasets.UploadAsync(name, sourceKind, paths, options, null, context.CancellationToken);
        }
        var total = paths.Sum(p => new FileInfo(p).Length);
        DatasetImportStatus? result = null;
        await context.Output.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"upload {name}", maxValue: Math.Max(1, total));
                result = await context.Client.Datasets.UploadAsync(name, sourceKind, paths, options, new Progress<long>(done => task.Value = done), context.CancellationToken);
                task.Value = total;
            });
        return result!;
    }

    private static async Task<DatasetImportStatus> WaitForImport(CommandContext context, DatasetImportStatus accepted, TimeSpan timeout)
    {
        if (accepted.IsFinished) return accepted;
        if (!context.Output.Interactive)
        {
            return await context.Client.Datasets.WaitForImportAsync(accepted.ImportId, timeout, null, context.CancellationToken);
        }
        DatasetImportStatus? result = null;
        await context.Output.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"import {accepted.Name}", maxValue: 1);
                result = await context.Client.Datasets.WaitForImportAsync(accepted.ImportId, timeout, new Progress<DatasetImportStatus>(s =>
                {
                    if (s.ItemsTotal is > 0 and var total)
                    {
                        task.MaxValue = total;
                        task.Value = s.ItemsDone ?? 0;
                    }
                    if (s.Stage is { Length: > 0 } stage) task.Description = $"import {accepted.Name}: {stage}";
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
        else if (status.DatasetId is { Length: > 0 } id)
        {
            context.Output.Line($"imported {status.Name ?? ""} as data set {id}");
        }
        else if (status.Reason is { Length: > 0 } reason)
        {
            context.Environment.Error.WriteLine($"error: import failed: {reason}");
        }
        else
        {
            context.Output.Line($"import {status.ImportId} accepted ({status.Status ?? "pending"})");
        }
    }

    public static string KindOf(string? given, string path)
    {
        if (given is not null) return Kinds[given];
        var file = Path.GetFileName(path).ToLowerInvariant();
        if (file.Contains("idx", StringComparison.Ordinal) || file.EndsWith("-ubyte", StringComparison.Ordinal) || file.EndsWith("-ubyte.gz", StringComparison.Ordinal)) return "Idx";
        if (file.EndsWith(".zip", StringComparison.Ordinal) || Directory.Exists(path)) return "ImageFolder";
        if (file.EndsWith(".jsonl", StringComparison.Ordinal) || file.EndsWith(".ndjson", StringComparison.Ordinal)) return "JsonLines";
        if (!file.Contains('.', StringComparison.Ordinal) && path.Contains("fortunes", StringComparison.Ordinal)) return "FortuneText";
        if (file.EndsWith(".txt", StringComparison.Ordinal)) return "PlainText";
        throw new CliException($"Cannot tell the format of '{path}' from its name: give --kind ({string.Join(", ", Kinds.Keys.Take(5))}).");
    }

    private static Command List(CliEnvironment environment)
    {
        var command = new Command("list", "List the data sets");
        command.SetAction(AigcCli.Handler(environment, async context =>
        {
            var datasets = await context.Client.Datasets.ListAsync(context.CancellationToken);
            context.Output.Table(datasets, "id", "name", "modality", "sourceKind", "trainCount", "validationCount", "testCount", "classCount", "createdAt");
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
            var dataset = await context.Client.Datasets.GetAsync(context.Get(id), context.CancellationToken);
            context.Output.Details(dataset, $"data set {dataset.Name}");
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
            var bytes = await context.Client.Datasets.PreviewPngAsync(context.Get(id), context.CancellationToken);
            if (bytes.Length >= 8 && bytes[0] == 0x89 && bytes[1] == (byte)'P')
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
