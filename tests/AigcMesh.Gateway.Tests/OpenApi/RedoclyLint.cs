using System.Diagnostics;

namespace AigcMesh.Gateway.Tests.OpenApi;

/// <summary>
/// Runs the independent linter, Redocly CLI (npm package @redocly/cli), through npx on a document file, with the
/// repository's redocly.yaml (the "recommended" ruleset). Redocly CLI 2.x needs Node 20.19+ or 22.12+; on an older
/// Node (Debian 12's own is 18) the last 1.x release, which has the same ruleset, is used.
/// </summary>
public static class RedoclyLint
{
    public const string CliVersion = "2.77.0";
    public const string VersionForOldNode = "1.34.20";

    public sealed record Outcome(int ExitCode, string Output, TimeSpan Elapsed, string Package);

    public static async Task<Outcome> RunAsync(string documentPath, TimeSpan timeout)
    {
        var package = $"@redocly/cli@{(await NodeIsRecentAsync() ? CliVersion : VersionForOldNode)}";
        var config = Path.Combine(RepositoryRoot(), "redocly.yaml");
        var watch = Stopwatch.StartNew();
        var (exit, output) = await RunProcessAsync("npx", ["--yes", package, "lint", "--config", config, documentPath], timeout);
        return new Outcome(exit, output, watch.Elapsed, package);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AigcMesh.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No AigcMesh.sln above {AppContext.BaseDirectory}.");
    }

    private static async Task<bool> NodeIsRecentAsync()
    {
        var (exit, output) = await RunProcessAsync("node", ["--version"], TimeSpan.FromSeconds(30));
        if (exit != 0 || !System.Version.TryParse(output.Trim().TrimStart('v'), out var node))
        {
            throw new InvalidOperationException($"node is needed for the OpenAPI lint (.ci/run installs nodejs and npm): {output}");
        }
        return node >= new System.Version(22, 12) || (node.Major == 20 && node >= new System.Version(20, 19));
    }

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
