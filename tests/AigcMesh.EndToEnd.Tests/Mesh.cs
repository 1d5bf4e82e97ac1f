using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AigcMesh.Testing;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>
/// The whole stack as separate processes: dataset, two trainers, generator, evaluator and the gateway in front,
/// on one broker virtual host, sharing one artifact folder under a temporary folder. Trainers share one data
/// folder (their database), as replicas on one compose volume do.
/// </summary>
public sealed class Mesh : IAsyncDisposable
{
    private readonly TempDirectory root = new();
    private readonly Dictionary<string, ServiceProcess> services = new();
    private readonly Dictionary<string, Func<ServiceProcess>> starters = new();

    private Mesh(Broker broker)
    {
        Broker = broker;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    /// <summary>The gateway's API key for this run (its SHA-256 is configured as Gateway:ApiKeys:0:Hash).</summary>
    public const string ApiKey = "aigc-e2e-key";

    public Broker Broker { get; }
    public HttpClient Http { get; }
    public string ArtifactDirectory => Path.Combine(root.Path, "artifacts");
    public string LogDirectory => Path.Combine(root.Path, "logs");
    public ServiceProcess this[string name] => services[name];
    public IEnumerable<ServiceProcess> Services => services.Values;
    public Uri Gateway => services["gateway"].Address;

    /// <summary>Extra settings for every trainer (Trainer__...), evaluator and generator, kept small for 2 cores.</summary>
    public static readonly IReadOnlyDictionary<string, string> TrainerSettings = new Dictionary<string, string>
    {
        ["Trainer__MaxConcurrentRuns"] = "1",
        ["Trainer__HeartbeatSeconds"] = "1",
        ["Trainer__LeaseStaleSeconds"] = "5",
        ["Trainer__SweepSeconds"] = "1",
        ["Trainer__ProgressSeconds"] = "1",
        ["Trainer__CheckpointEverySteps"] = "5",
        ["Trainer__CheckpointSeconds"] = "5",
        ["Trainer__SnapshotSeconds"] = "600",
        ["Trainer__SlotWaitSeconds"] = "2",
        ["Trainer__TorchThreads"] = "1",
    };

    /// <summary>
    /// Evaluator settings for 2 cores: a short feature-network training, few KID subsets, small default samples, and no
    /// evaluation of every registered model (the test asks for the evaluations it checks).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> EvaluatorSettings = new Dictionary<string, string>
    {
        ["Evaluator__AutoEvaluate"] = "false",
        ["Evaluator__DefaultSampleCount"] = "32",
        ["Evaluator__FeatureNetworkSteps"] = "40",
        ["Evaluator__KidSubsets"] = "10",
        ["Evaluator__KidSubsetSize"] = "32",
    };

    public static async Task<Mesh> StartAsync(Broker broker)
    {
        var mesh = new Mesh(broker);
        try
        {
            var ports = new Dictionary<string, int>();
            foreach (var name in new[] { "dataset", "trainer-a", "trainer-b", "generator", "evaluator", "gateway" })
            {
                int port;
                do
                {
                    port = ServiceProcess.FreePort();
                }
                while (ports.ContainsValue(port));
                ports[name] = port;
            }
            mesh.StartBackend("dataset", "AigcMesh.Dataset", ports["dataset"], "dataset", new Dictionary<string, string>());
            foreach (var trainer in new[] { "trainer-a", "trainer-b" })
            {
                mesh.StartBackend(trainer, "AigcMesh.Trainer", ports[trainer], "trainer",
                    new Dictionary<string, string>(TrainerSettings) { ["Trainer__InstanceId"] = trainer });
            }
            mesh.StartBackend("generator", "AigcMesh.Generator", ports["generator"], "generator", new Dictionary<string, string>());
            mesh.StartBackend("evaluator", "AigcMesh.Evaluator", ports["evaluator"], "evaluator", new Dictionary<string, string>(EvaluatorSettings));
            mesh.services["gateway"] = ServiceProcess.Start("gateway", "AigcMesh.Gateway", ports["gateway"], new Dictionary<string, string>
            {
                ["Storage__DataDirectory"] = Path.Combine(mesh.root.Path, "gateway"),
                ["Gateway__ApiKeys__0__Name"] = "e2e",
                ["Gateway__ApiKeys__0__Hash"] = "6bbde0a071c080354c24be579f08b7f63ee9850a42738737a1e369ced6816a6c",
                ["Gateway__ApiKeys__0__Scope"] = "Write",
                ["ReverseProxy__Clusters__dataset__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["dataset"]}/",
                ["ReverseProxy__Clusters__trainer__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["trainer-a"]}/",
                ["ReverseProxy__Clusters__generator__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["generator"]}/",
                ["ReverseProxy__Clusters__evaluator__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["evaluator"]}/",
            }, mesh.LogDirectory);
            await mesh.WaitAllReadyAsync(TimeSpan.FromSeconds(180)); // generous: on a loaded machine six .NET processes start slowly
            return mesh;
        }
        catch
        {
            await mesh.DisposeAsync();
            throw;
        }
    }

    private void StartBackend(string name, string project, int port, string dataFolder, Dictionary<string, string> settings)
    {
        settings["Messaging__Transport"] = "RabbitMq";
        settings["Messaging__RabbitMqUrl"] = Broker.Url;
        settings["Storage__DataDirectory"] = Path.Combine(root.Path, dataFolder);
        settings["Storage__ArtifactDirectory"] = ArtifactDirectory;
        starters[name] = () => ServiceProcess.Start(name, project, port, settings, LogDirectory);
        services[name] = starters[name]();
    }

    /// <summary>Starts a backend service again as a new process, with the same settings and port, and waits until it is ready.</summary>
    public async Task RestartAsync(string name, TimeSpan timeout)
    {
        await services[name].DisposeAsync();
        services[name] = starters[name]();
        await services[name].WaitReadyAsync(Http, timeout);
    }

    public async Task WaitAllReadyAsync(TimeSpan timeout) =>
        await Task.WhenAll(services.Values.Where(s => !s.HasExited).Select(s => s.WaitReadyAsync(Http, timeout)));

    public Uri Api(string path) => new(Gateway, path.TrimStart('/'));

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(Api(path));
        return await ReadAsync(response, path);
    }

    public async Task<(int Status, JsonNode Body, Uri? Location)> PostJsonAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(Api(path), body);
        return ((int)response.StatusCode, await ReadAsync(response, path, allowError: true), response.Headers.Location);
    }

    /// <summary>POSTs files as multipart/form-data (field "files"), as a browser or the CLI uploads them.</summary>
    public async Task<(int Status, JsonNode Body, Uri? Location)> PostFilesAsync(string path, IEnumerable<(string Name, byte[] Bytes)> files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/gzip");
            form.Add(content, "files", name);
        }
        using var response = await Http.PostAsync(Api(path), form);
        return ((int)response.StatusCode, await ReadAsync(response, path, allowError: true), response.Headers.Location);
    }

    /// <summary>GETs a file: its media type and bytes.</summary>
    public async Task<(string? MediaType, byte[] Bytes)> GetBytesAsync(string path)
    {
        using var response = await Http.GetAsync(Api(path));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode
            ? (response.Content.Headers.ContentType?.MediaType, bytes)
            : throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
    }

    /// <summary>Opens a Server-Sent Events stream through the gateway.</summary>
    public Task<EventStream> OpenEventsAsync(string path, System.Diagnostics.Stopwatch clock, Func<ServerSentEvent, Task>? onEvent = null) =>
        EventStream.OpenAsync(Api(path), ApiKey, clock, onEvent);

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, string path, bool allowError = false)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!allowError && !response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {text}");
        }
        return string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with what it saw last and the services' logs.</summary>
    public async Task<T> WaitForAsync<T>(string what, Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        T? last = default;
        Exception? error = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                error = null;
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                error = e;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"Waited {timeout} for {what}; last seen: {(last is JsonNode n ? n.ToJsonString() : last?.ToString())} {error?.Message}{Environment.NewLine}{Logs()}");
    }

    /// <summary>The last lines of every service's log, for failure messages.</summary>
    public string Logs() => string.Join(Environment.NewLine, services.Values.Select(s => $"----- {s.Name} (pid {s.ProcessId}{(s.HasExited ? ", exited" : "")}){Environment.NewLine}{s.Tail()}"));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(services.Values.Select(s => s.DisposeAsync().AsTask()));
        Http.Dispose();
        if (Environment.GetEnvironmentVariable("AIGC_E2E_KEEP") is null)
        {
            root.Dispose();
        }
    }
}
