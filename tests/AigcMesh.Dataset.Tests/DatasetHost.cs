using AigcMesh.Dataset.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using AigcMesh.Hosting;
using AigcMesh.Storage;
using AigcMesh.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Tests;

/// <summary>
/// The dataset service as it runs (its module's wiring, problem details, health), on a loopback port, with a
/// fresh data folder and import root. The bus is the in-memory transport, or MassTransit's test harness, or a real
/// broker with queue names under a unique prefix, as the test asks.
/// </summary>
public sealed class DatasetHost : IAsyncDisposable
{
    private readonly TempDirectory data;

    private DatasetHost(WebApplication app, TempDirectory data, TempDirectory importRoot)
    {
        App = app;
        this.data = data;
        ImportRoot = importRoot;
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(100) };
    }

    public WebApplication App { get; }
    public TempDirectory ImportRoot { get; }
    public HttpClient Http { get; }
    public string DataPath => data.Path;
    public ArtifactStore Store => App.Services.GetRequiredService<ArtifactStore>();
    public Uri Address => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public enum Bus
    {
        InMemory,
        Harness,
        RabbitMq,
    }

    /// <param name="datasetConsumers">false: an instance that serves the API only (its commands are consumed elsewhere).</param>
    /// <param name="services">Last changes to the services (a clock, for example).</param>
    /// <param name="waitForBus">false: return as soon as HTTP is up, before the bus may have bound its queues.</param>
    public static async Task<DatasetHost> StartAsync(Bus bus = Bus.InMemory, Dictionary<string, string?>? settings = null, string? rabbitMqUrl = null, string? queuePrefix = null,
        Action<IBusRegistrationConfigurator>? moreConsumers = null, bool datasetConsumers = true, Action<IServiceCollection>? services = null,
        bool waitForBus = true)
    {
        var data = new TempDirectory();
        var importRoot = new TempDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = data.Path,
            ["Storage:ArtifactDirectory"] = Path.Combine(data.Path, "artifacts"),
            ["Messaging:Transport"] = "InMemory",
            ["Dataset:ImportRoots:0"] = importRoot.Path,
            ["Dataset:ImportRoots:1"] = "/usr/share/datasets",
            ["Dataset:ImportRoots:2"] = "/usr/share/games/fortunes",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults(DatasetServiceModule.ServiceName);
        builder.AddDatasetService();
        services?.Invoke(builder.Services);
        switch (bus)
        {
            case Bus.InMemory:
                builder.AddMessaging(b =>
                {
                    if (datasetConsumers) b.AddDatasetConsumers();
                    moreConsumers?.Invoke(b);
                });
                break;
            case Bus.Harness:
                builder.Services.AddMassTransitTestHarness(b =>
                {
                    b.SetTestTimeouts(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2));
                    if (datasetConsumers) b.AddDatasetConsumers();
                    moreConsumers?.Invoke(b);
                });
                break;
            case Bus.RabbitMq:
                builder.Services.AddMassTransit(b =>
                {
                    b.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(queuePrefix, false));
                    if (datasetConsumers) b.AddDatasetConsumers();
                    moreConsumers?.Invoke(b);
                    b.AddConfigureEndpointsCallback((_, cfg) =>
                    {
                        if (cfg is MassTransit.IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.AutoDelete = true;
                    });
                    b.UsingRabbitMq((context, cfg) =>
                    {
                        cfg.Host(new Uri(rabbitMqUrl!));
                        cfg.ConfigureEndpoints(context);
                    });
                });
                break;
        }
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDatasetApi();
        await app.StartAsync();
        if (waitForBus)
        {
            // The bus starts in the background (MassTransitHostOptions.WaitUntilStarted is false, as in production, where
            // the gateway routes only to ready instances): a command published before this instance's receive endpoint
            // has bound its queue to the message's exchange goes nowhere. On a fresh queue (a new prefix on a shared
            // broker) and a loaded machine that race is lost: wait for the bus, as a client waits for /health/ready.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await app.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, timeout.Token);
        }
        return new DatasetHost(app, data, importRoot);
    }

    public async Task<T> QueryAsync<T>(Func<DatasetDbContext, Task<T>> query)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<DatasetDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>Files in the artifact store (temporary files included, by their folder).</summary>
    public (int Artifacts, int Temporary) StoreFiles()
    {
        var root = Path.Combine(data.Path, "artifacts");
        var all = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToList();
        var temporary = all.Count(f => Path.GetFileName(Path.GetDirectoryName(f)) == "tmp");
        return (all.Count - temporary, temporary);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        data.Dispose();
        ImportRoot.Dispose();
    }
}
