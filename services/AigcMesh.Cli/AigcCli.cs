using System.CommandLine;
using AigcMesh.Cli.Commands;
using AigcMesh.Cli.Output;
using AigcMesh.Client;

namespace AigcMesh.Cli;

/// <summary>The `aigc` command tree. Global options: --gateway, --api-key (else AIGC_GATEWAY_URL / AIGC_API_KEY) and --json.</summary>
public static class AigcCli
{
    private static Option<string?> NewGateway() => new("--gateway", "-g")
    {
        Description = $"Gateway address (default: ${AigcClientOptions.GatewayUrlVariable}, else {AigcClientOptions.DefaultGatewayAddress})",
        Recursive = true,
    };

    private static Option<string?> NewApiKey() => new("--api-key", "-k")
    {
        Description = $"API key sent as {AigcClient.ApiKeyHeader} (default: ${AigcClientOptions.ApiKeyVariable})",
        Recursive = true,
    };

    private static Option<bool> NewJson() => new("--json")
    {
        Description = "Write machine-readable JSON instead of tables and progress bars",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = Build(environment);
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Error }, cancellationToken);
    }

    public static RootCommand Build(CliEnvironment environment)
    {
        var root = new RootCommand("aigc: the AigcMesh command-line client. Train generative models on your data, generate and evaluate content.")
        {
            NewGateway(),
            NewApiKey(),
            NewJson(),
        };
        root.Subcommands.Add(DatasetCommands.Build(environment));
        root.Subcommands.Add(RunCommands.Build(environment));
        root.Subcommands.Add(SweepCommands.Build(environment));
        root.Subcommands.Add(ModelCommands.Build(environment));
        root.Subcommands.Add(GenerateCommand.Build(environment));
        root.Subcommands.Add(EvaluateCommands.BuildEvaluate(environment));
        root.Subcommands.Add(EvaluateCommands.BuildEvaluations(environment));
        root.Subcommands.Add(EvaluateCommands.BuildOptimise(environment));
        root.Subcommands.Add(EvaluateCommands.BuildLeaderboard(environment));
        root.Subcommands.Add(PipelineCommands.Build(environment));
        return root;
    }

    /// <summary>Runs one command's body with a client, turning API errors into problem-details output and exit codes.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Handler(CliEnvironment environment, Func<CommandContext, Task<int>> body) =>
        async (parse, cancellationToken) =>
        {
            var output = new Renderer(environment, parse.GetValue<bool>("--json"));
            AigcClientOptions options;
            try
            {
                options = AigcClientOptions.Resolve(parse.GetValue<string?>("--gateway"), parse.GetValue<string?>("--api-key"), environment.Variables);
            }
            catch (ArgumentException e)
            {
                output.Error(e.Message);
                return ExitCodes.Usage;
            }
            using var client = new AigcClient(options);
            try
            {
                return await body(new CommandContext(parse, client, output, environment, cancellationToken));
            }
            catch (AigcApiException e)
            {
                output.Problem(e);
                return ExitCodes.ApiError;
            }
            catch (HttpRequestException e)
            {
                output.Error($"Cannot reach the gateway at {options.GatewayAddress}: {e.Message}");
                return ExitCodes.Unreachable;
            }
            catch (CliException e)
            {
                output.Error(e.Message);
                return e.ExitCode;
            }
            catch (InvalidDataException e)
            {
                output.Error(e.Message);
                return ExitCodes.ApiError;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                output.Error("Timed out.");
                return ExitCodes.Timeout;
            }
        };
}

public sealed record CommandContext(ParseResult Parse, AigcClient Client, Renderer Output, CliEnvironment Environment, CancellationToken CancellationToken)
{
    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;
    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int ApiError = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int Failed = 4;
    public const int Timeout = 5;
}

/// <summary>A user-facing failure with its exit code (bad option combination, a run that failed).</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

internal static class Parsing
{
    /// <summary>Parses repeated key=value options into a dictionary.</summary>
    public static Dictionary<string, string> KeyValues(IEnumerable<string>? items, string optionName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new CliException($"{optionName} expects name=value, got '{item}'.");
            result[item[..equals].Trim()] = item[(equals + 1)..].Trim();
        }
        return result;
    }

    public static Guid Id(string value, string what) =>
        Guid.TryParse(value, out var id) ? id : throw new CliException($"'{value}' is not a {what} id (a GUID).");
}
