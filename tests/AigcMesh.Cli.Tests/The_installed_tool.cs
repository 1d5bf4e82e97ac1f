using System.Diagnostics;
using System.Text.Json;
using AigcMesh.Testing;

namespace AigcMesh.Cli.Tests;

/// <summary>
/// docs/clients.md's install steps, for real: `dotnet pack` the CLI (already built with this test), `dotnet tool install`
/// it from that folder with --tool-path (from that folder only, into a package cache of its own, so the tool run is the
/// one just packed), then run the installed `aigc` as a user would, against the embedded mesh.
/// </summary>
[Collection(CliMeshCollection.Name)]
public sealed class The_installed_tool(CliMesh mesh)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task Packs_installs_with_a_tool_path_and_runs_against_the_gateway()
    {
        using var work = new TempDirectory();
        var packages = Path.Combine(work.Path, "packages");
        var tools = Path.Combine(work.Path, "tools");
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var project = Path.Combine(RepositoryRoot(), "services", "AigcMesh.Cli", "AigcMesh.Cli.csproj");

        var pack = await RunAsync(Dotnet, ["pack", project, "-c", Configuration, "--no-build", "-o", packages, $"-p:Version={version}"], work.Path);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(File.Exists(Path.Combine(packages, $"AigcMesh.Cli.{version}.nupkg")), pack.ToString());

        var config = Path.Combine(work.Path, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var install = await RunAsync(Dotnet, ["tool", "install", "AigcMesh.Cli", "--version", version, "--tool-path", tools, "--configfile", config], work.Path,
            new() { ["NUGET_PACKAGES"] = Path.Combine(work.Path, "nuget-cache") });
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("successfully installed", install.Output);

        var aigc = Path.Combine(tools, "aigc");
        var help = await RunAsync(aigc, ["--help"], work.Path);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("aigc [command] [options]", help.Output);
        Assert.Contains("leaderboard", help.Output);

        var list = await RunAsync(aigc, ["datasets", "list", "--json"], work.Path, new()
        {
            ["AIGC_GATEWAY_URL"] = mesh.Mesh.GatewayAddress.ToString(),
            ["AIGC_API_KEY"] = CliMesh.ReadKey,
        });
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(list.Output).RootElement.ValueKind);

        var noKey = await RunAsync(aigc, ["--gateway", mesh.Mesh.GatewayAddress.ToString(), "datasets", "list"], work.Path, new() { ["AIGC_API_KEY"] = null });
        Assert.Equal(ExitCodes.ApiError, noKey.ExitCode);
        Assert.Contains("401", noKey.Error);
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AigcMesh.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"No AigcMesh.sln above {AppContext.BaseDirectory}.");
    }

    private static async Task<CliResult> RunAsync(string program, IReadOnlyList<string> args, string workingDirectory, Dictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? [])
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 3 minutes.");
        }
        return new CliResult(process.ExitCode, await output, await error);
    }
}
