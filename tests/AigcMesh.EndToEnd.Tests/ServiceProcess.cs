using System.Diagnostics;
using System.Net.Sockets;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>
/// One service running as its own OS process (`dotnet &lt;service&gt;.dll` from its build output), on a loopback port,
/// configured through environment variables, its console output kept in a log file.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Lock logLock = new();
    private readonly Queue<string> tail = new();

    private ServiceProcess(string name, string project, int port, Process process, StreamWriter log)
    {
        Name = name;
        Project = project;
        Port = port;
        this.process = process;
        this.log = log;
    }

    public string Name { get; }
    public string Project { get; }
    public int Port { get; }
    public Uri Address => new($"http://127.0.0.1:{Port}/");
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public static ServiceProcess Start(string name, string project, int port, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        var assembly = RepoRoot.ServiceAssembly(project);
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root is the build output, where the service's appsettings.json lies.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_TieredCompilation"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, $"{name}.log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, project, port, process, log);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (logLock)
        {
            log.WriteLine(line);
            tail.Enqueue(line);
            while (tail.Count > 60)
            {
                tail.Dequeue();
            }
        }
    }

    /// <summary>The last lines the process wrote.</summary>
    public string Tail()
    {
        lock (logLock)
        {
            return string.Join(Environment.NewLine, tail);
        }
    }

    /// <summary>Waits until GET /health/ready answers 200 (bus connected, database opens).</summary>
    public async Task WaitReadyAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode}:{Environment.NewLine}{Tail()}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not ready within {timeout} ({last}):{Environment.NewLine}{Tail()}");
    }

    /// <summary>SIGKILL: the process dies at once, with no chance to clean up (a crashed machine).</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, then SIGKILL after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        process.Dispose();
        lock (logLock)
        {
            log.Dispose();
        }
    }

    /// <summary>A loopback TCP port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
