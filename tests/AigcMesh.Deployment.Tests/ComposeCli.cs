using System.Diagnostics;

namespace AigcMesh.Deployment.Tests;

/// <summary>Runs Debian's docker-compose (1.29; it parses and validates a file without a Docker engine).</summary>
internal static class ComposeCli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var start = new ProcessStartInfo("docker-compose")
        {
            WorkingDirectory = RepoRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // Variables the files interpolate take their defaults, whatever the caller's environment holds.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("AIGC_", StringComparison.Ordinal)))
        {
            start.Environment.Remove(name);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("These tests need Debian's docker-compose (apt-get install docker-compose; .ci/run installs it).", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("docker-compose config did not finish in 60 s.");
            }
            return new Result(process.ExitCode, output.Result, error.Result);
        }
    }
}
