using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AigcMesh.Client;
using AigcMesh.Embedded;
using AigcMesh.Testing;

namespace AigcMesh.Cli.Tests;

/// <summary>
/// The embedded default (every real service on the in-memory bus, behind the real gateway, on free ports) with a
/// read-write and a read-only key, and fast progress events; <see cref="RunAsync"/> runs `aigc` in this process
/// against it, with the gateway and key given through the environment as a user would.
/// </summary>
public sealed class CliMesh : IAsyncLifetime
{
    public const string WriteKey = "cli-tests-write-key";
    public const string ReadKey = "cli-tests-read-key";

    private readonly TempDirectory data = new();
    private readonly SemaphoreSlim builtInImport = new(1, 1);
    private string? imagesDatasetId;

    public EmbeddedMesh Mesh { get; private set; } = null!;
    public TempDirectory WorkingDirectory { get; } = new();

    public async Task InitializeAsync()
    {
        Mesh = await EmbeddedMesh.StartAsync([], new Dictionary<string, string?>
        {
            ["Embedded:DataDirectory"] = data.Path,
            ["Embedded:GatewayUrl"] = "http://127.0.0.1:0",
            ["Embedded:BackendUrl"] = "http://127.0.0.1:0",
            ["Gateway:ApiKeys:0:Name"] = "writer",
            ["Gateway:ApiKeys:0:Hash"] = Hash(WriteKey),
            ["Gateway:ApiKeys:0:Scope"] = "Write",
            ["Gateway:ApiKeys:1:Name"] = "reader",
            ["Gateway:ApiKeys:1:Hash"] = Hash(ReadKey),
            ["Gateway:ApiKeys:1:Scope"] = "Read",
            ["Trainer:ProgressSeconds"] = "0.1",
            ["Trainer:SnapshotSeconds"] = "0.5",
            // Quick evaluations (the dashboard's leaderboard and the evaluator client tests wait for them).
            ["Evaluator:DefaultSampleCount"] = "64",
            ["Evaluator:FeatureNetworkSteps"] = "60",
            ["Evaluator:KidSubsets"] = "10",
            ["Evaluator:KidSubsetSize"] = "32",
        });
    }

    /// <summary>Runs `aigc args...` with AIGC_GATEWAY_URL and AIGC_API_KEY set; its exit code and what it wrote.</summary>
    public async Task<CliResult> RunWithKeyAsync(string? apiKey, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var variables = new Dictionary<string, string?>
        {
            ["AIGC_GATEWAY_URL"] = Mesh.GatewayAddress.ToString(),
            ["AIGC_API_KEY"] = apiKey,
        };
        var environment = new CliEnvironment(output, error, name => variables.GetValueOrDefault(name), WorkingDirectory.Path, Interactive: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exitCode = await AigcCli.RunAsync(args, environment, timeout.Token);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => RunWithKeyAsync(WriteKey, args);

    /// <summary>The client library pointed at the gateway with <paramref name="apiKey"/>.</summary>
    public AigcClient Client(string? apiKey = WriteKey) => new(new AigcClientOptions(Mesh.GatewayAddress, apiKey));

    /// <summary>The built-in synthetic images at 16x16 (small and fast to train on), imported once through the CLI.</summary>
    public async Task<string> ImagesDatasetAsync()
    {
        await builtInImport.WaitAsync();
        try
        {
            if (imagesDatasetId is null)
            {
                var result = await RunAsync("datasets", "import", "--builtin", "images", "--image-size", "16", "--json");
                Assert.True(result.ExitCode == 0, result.ToString());
                imagesDatasetId = JsonDocument.Parse(result.Output).RootElement.GetProperty("datasetId").GetString()!;
            }
            return imagesDatasetId;
        }
        finally
        {
            builtInImport.Release();
        }
    }

    public async Task DisposeAsync()
    {
        await Mesh.DisposeAsync();
        data.Dispose();
        WorkingDirectory.Dispose();
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

[CollectionDefinition(Name)]
public sealed class CliMeshCollection : ICollectionFixture<CliMesh>
{
    public const string Name = "cli-mesh";
}
