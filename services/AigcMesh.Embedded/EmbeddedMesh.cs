using AigcMesh.Dataset;
using AigcMesh.Evaluator;
using AigcMesh.Gateway;
using AigcMesh.Gateway.Security;
using AigcMesh.Generator;
using AigcMesh.Hosting;
using AigcMesh.Trainer;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AigcMesh.Embedded;

/// <summary>
/// All five services in one process: the four back-end services share one host (one in-memory bus, each
/// with its own Sqlite file) on a loopback port, and the gateway runs as its own host in front of them,
/// routing to that port exactly as it routes to separate services in a deployment.
/// </summary>
public sealed class EmbeddedMesh : IAsyncDisposable
{
    private readonly WebApplication backend;
    private readonly WebApplication gateway;

    private EmbeddedMesh(WebApplication backend, WebApplication gateway, string? generatedApiKey)
    {
        this.backend = backend;
        this.gateway = gateway;
        GeneratedApiKey = generatedApiKey;
    }

    /// <summary>
    /// The read-write API key made at start when none was configured (Gateway:ApiKeys:n:Hash); null otherwise.
    /// It exists only in this process's memory: the gateway holds its hash.
    /// </summary>
    public string? GeneratedApiKey { get; }

    public Uri GatewayAddress => AddressOf(gateway);
    public Uri BackendAddress => AddressOf(backend);
    public IServiceProvider BackendServices => backend.Services;

    /// <summary>
    /// Starts the mesh. Settings: Embedded:DataDirectory (default ./aigcmesh-data), Embedded:GatewayUrl
    /// (default http://localhost:8080), Embedded:BackendUrl (default http://127.0.0.1:8090); port 0 picks a free port.
    /// </summary>
    public static async Task<EmbeddedMesh> StartAsync(string[] args, IDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var probe = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var dataDirectory = Path.GetFullPath(probe["Embedded:DataDirectory"] ?? "aigcmesh-data");
        var gatewayUrl = probe["Embedded:GatewayUrl"] ?? "http://localhost:8080";
        var backendUrl = probe["Embedded:BackendUrl"] ?? "http://127.0.0.1:8090";

        var generatedApiKey = probe.GetSection("Gateway:ApiKeys").GetChildren().Any() ? null : ApiKeyHasher.NewKey();

        var backend = BuildBackend(args, settings, dataDirectory, backendUrl);
        await backend.StartAsync(cancellationToken);
        WebApplication? gateway = null;
        try
        {
            gateway = BuildGateway(args, settings, dataDirectory, gatewayUrl, AddressOf(backend), generatedApiKey);
            await gateway.StartAsync(cancellationToken);
            return new EmbeddedMesh(backend, gateway, generatedApiKey);
        }
        catch
        {
            if (gateway is not null) await gateway.DisposeAsync();
            await backend.StopAsync(CancellationToken.None);
            await backend.DisposeAsync();
            throw;
        }
    }

    public async Task WaitForShutdownAsync()
    {
        await Task.WhenAny(backend.WaitForShutdownAsync(), gateway.WaitForShutdownAsync());
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await gateway.StopAsync(timeout.Token);
        await backend.StopAsync(timeout.Token);
        await gateway.DisposeAsync();
        await backend.DisposeAsync();
    }

    private static WebApplication BuildBackend(string[] args, IDictionary<string, string?>? settings, string dataDirectory, string url)
    {
        var builder = CreateBuilder(args, settings, new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = nameof(MessagingTransport.InMemory),
            ["Storage:DataDirectory"] = dataDirectory,
            ["Storage:ArtifactDirectory"] = Path.Combine(dataDirectory, "artifacts"),
        });
        builder.WebHost.UseUrls(url);
        builder.AddServiceDefaults("backend");
        builder.AddDatasetService();
        builder.AddTrainerService();
        builder.AddGeneratorService();
        builder.AddEvaluatorService();
        builder.AddMessaging(bus =>
        {
            bus.AddDatasetConsumers();
            bus.AddTrainerConsumers();
            bus.AddGeneratorConsumers();
            bus.AddEvaluatorConsumers();
        });

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDatasetApi();
        app.MapTrainerApi();
        app.MapGeneratorApi();
        app.MapEvaluatorApi();
        return app;
    }

    private static WebApplication BuildGateway(string[] args, IDictionary<string, string?>? settings, string dataDirectory, string url, Uri backend, string? generatedApiKey)
    {
        var defaults = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Storage:ArtifactDirectory"] = Path.Combine(dataDirectory, "artifacts"),
        };
        if (generatedApiKey is not null)
        {
            defaults["Gateway:ApiKeys:0:Name"] = "embedded";
            defaults["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(generatedApiKey);
            defaults["Gateway:ApiKeys:0:Scope"] = nameof(ApiKeyScope.Write);
        }
        foreach (var cluster in new[] { DatasetServiceModule.ServiceName, TrainerServiceModule.ServiceName, GeneratorServiceModule.ServiceName, EvaluatorServiceModule.ServiceName })
        {
            defaults[$"ReverseProxy:Clusters:{cluster}:Destinations:d1:Address"] = backend.ToString();
        }
        var builder = CreateBuilder(args, settings, defaults, typeof(GatewayServiceModule).Assembly);
        builder.WebHost.UseUrls(url);
        builder.AddServiceDefaults(GatewayServiceModule.ServiceName);
        builder.AddGatewayService();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapGatewayApi();
        return app;
    }

    /// <summary>
    /// A builder whose configuration is: the given service's appsettings.json (for the gateway, its routes),
    /// then the embedded defaults, then environment, command line and the caller's settings.
    /// </summary>
    private static WebApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? settings, Dictionary<string, string?> defaults, System.Reflection.Assembly? appSettingsOf = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        if (appSettingsOf is not null)
        {
            builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "settings", $"{appSettingsOf.GetName().Name}.json"), optional: false);
        }
        builder.Configuration.AddInMemoryCollection(defaults);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        return builder;
    }

    private static Uri AddressOf(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
