using System.Diagnostics;
using System.Net.Sockets;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>
/// A real RabbitMQ node that this test may stop and start. Given by AIGC_TEST_RABBITMQ_URL together with
/// AIGC_TEST_RABBITMQ_NODENAME (what .ci/run exports for its own broker); without the node name, the test starts a
/// private node from Debian's rabbitmq-server on free loopback ports with its own node name and data folder, so a
/// shared broker (such as a developer's on 5672) is never restarted. Each run gets its own virtual host, so its
/// queues ("start-training" ...) never mix with another test's.
/// </summary>
public sealed class Broker : IAsyncDisposable
{
    public const string UrlVariable = "AIGC_TEST_RABBITMQ_URL";
    public const string NodeVariable = "AIGC_TEST_RABBITMQ_NODENAME";

    private readonly string? privateFolder;

    private Broker(string node, Uri baseUrl, string? privateFolder)
    {
        Node = node;
        BaseUrl = baseUrl;
        this.privateFolder = privateFolder;
    }

    public string Node { get; }
    public Uri BaseUrl { get; }
    public string VirtualHost { get; private set; } = "/";
    public bool IsPrivate => privateFolder is not null;

    /// <summary>The AMQP address of this run's virtual host.</summary>
    public string Url => new UriBuilder(BaseUrl) { Path = "/" + Uri.EscapeDataString(VirtualHost) }.Uri.ToString();

    public static async Task<Broker> StartAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        var node = Environment.GetEnvironmentVariable(NodeVariable);
        Broker broker;
        if (!string.IsNullOrWhiteSpace(url) && !string.IsNullOrWhiteSpace(node))
        {
            broker = new Broker(node, new Uri(url), null);
        }
        else
        {
            broker = await StartPrivateAsync();
        }
        broker.VirtualHost = $"e2e-{Guid.NewGuid():N}"[..16];
        await broker.CtlAsync("add_vhost", broker.VirtualHost);
        await broker.CtlAsync("set_permissions", "-p", broker.VirtualHost, broker.BaseUrl.UserInfo.Split(':')[0], ".*", ".*", ".*");
        return broker;
    }

    private static async Task<Broker> StartPrivateAsync()
    {
        int port;
        do
        {
            port = Random.Shared.Next(21000, 40000);
        }
        while (!IsFree(port) || !IsFree(port + 20000));
        var node = $"aigc-e2e-{port}@localhost";
        var folder = Path.Combine(Path.GetTempPath(), $"aigc-e2e-rabbitmq-{port}");
        Directory.CreateDirectory(Path.Combine(folder, "mnesia"));
        Directory.CreateDirectory(Path.Combine(folder, "log"));
        await File.WriteAllTextAsync(Path.Combine(folder, "enabled_plugins"), "[].");
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(),
            ["RABBITMQ_DIST_PORT"] = (port + 20000).ToString(),
            ["RABBITMQ_NODENAME"] = node,
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins"),
        };
        // Debian's scripts run the node as the rabbitmq user when started by root.
        await RunAsync("chown", ["-R", "rabbitmq:rabbitmq", folder], TimeSpan.FromSeconds(10), environment, mustSucceed: false);
        try
        {
            await RunAsync("rabbitmq-server", ["-detached"], TimeSpan.FromSeconds(30), environment);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The end-to-end test needs a RabbitMQ node it may restart: set {UrlVariable} and {NodeVariable} (as .ci/run does), " +
                "or install Debian's rabbitmq-server so the test can start a private one.", e);
        }
        var broker = new Broker(node, new Uri($"amqp://guest:guest@127.0.0.1:{port}/"), folder);
        for (var i = 0; ; i++)
        {
            try
            {
                await broker.CtlAsync("await_startup", "--timeout", "60");
                break;
            }
            catch (InvalidOperationException) when (i < 40)
            {
                await Task.Delay(500); // -detached returns before the node registers with epmd
            }
        }
        return broker;
    }

    /// <summary>Stops the RabbitMQ application on the node (every connection drops), waits, and starts it again.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await CtlAsync("stop_app");
        await Task.Delay(down);
        await CtlAsync("start_app");
        await CtlAsync("await_startup", "--timeout", "60");
    }

    /// <summary>The number of messages ready in a queue of this run's virtual host (-1 when the queue does not exist).</summary>
    public async Task<IReadOnlyDictionary<string, (long Ready, long Unacknowledged, long Consumers)>> QueuesAsync()
    {
        var output = await CtlAsync("list_queues", "-q", "-p", VirtualHost, "name", "messages_ready", "messages_unacknowledged", "consumers");
        var result = new Dictionary<string, (long, long, long)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t', ' ').Where(p => p.Length > 0).ToArray();
            if (parts.Length == 4 && long.TryParse(parts[1], out var ready) && long.TryParse(parts[2], out var unacked) && long.TryParse(parts[3], out var consumers))
            {
                result[parts[0]] = (ready, unacked, consumers);
            }
        }
        return result;
    }

    /// <summary>The client connections open on this run's virtual host.</summary>
    public async Task<int> ConnectionCountAsync()
    {
        var output = await CtlAsync("list_connections", "-q", "vhost", "state");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Count(line => line.StartsWith(VirtualHost + "\t", StringComparison.Ordinal) && line.EndsWith("running", StringComparison.Ordinal));
    }

    public async Task<string> CtlAsync(params string[] args) =>
        await RunAsync("rabbitmqctl", ["-n", Node, .. args], TimeSpan.FromSeconds(90), new Dictionary<string, string>());

    private static async Task<string> RunAsync(string file, string[] args, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, bool mustSucceed = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}.");
        }
        if (mustSucceed && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}{await output}");
        }
        return await output;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CtlAsync("delete_vhost", VirtualHost);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        if (privateFolder is not null)
        {
            try
            {
                await CtlAsync("stop");
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
            }
            try
            {
                Directory.Delete(privateFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
