using AigcMesh.Contracts.Training;
using AigcMesh.Gateway;
using AigcMesh.Gateway.Security;
using AigcMesh.Generator.Registry;
using AigcMesh.Hosting;
using AigcMesh.Storage;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AigcMesh.Generator.Tests;

/// <summary>A generator service (HTTP API and worker) with the real hosting defaults, on a free loopback port.</summary>
public sealed class GeneratorHost : IAsyncDisposable
{
    private GeneratorHost(WebApplication app)
    {
        App = app;
        Address = AddressOf(app);
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public Uri Address { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => App.Services;
    public ArtifactStore Artifacts => App.Services.GetRequiredService<ArtifactStore>();

    public static async Task<GeneratorHost> StartAsync(string dataDirectory, string artifactDirectory, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, string? rabbitMqUrl = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = rabbitMqUrl is null ? nameof(MessagingTransport.InMemory) : nameof(MessagingTransport.RabbitMq),
            ["Messaging:RabbitMqUrl"] = rabbitMqUrl ?? "",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Storage:ArtifactDirectory"] = artifactDirectory,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(values);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults(GeneratorServiceModule.ServiceName);
        builder.AddGeneratorService();
        services?.Invoke(builder.Services);
        builder.AddMessaging(bus => bus.AddGeneratorConsumers());
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapGeneratorApi();
        await app.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, timeout.Token);
        return new GeneratorHost(app);
    }

    /// <summary>Publishes the model's ModelRegistered event and waits until this generator has recorded it.</summary>
    public async Task RegisterAsync(ModelRegistered model)
    {
        await Services.GetRequiredService<IBus>().Publish(model);
        await WaitUntilKnownAsync(model.ModelId);
    }

    public async Task WaitUntilKnownAsync(Guid modelId)
    {
        var registry = Services.GetRequiredService<ModelRegistry>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await registry.FindAsync(modelId, CancellationToken.None) is null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Model {modelId} was not registered within 30 s.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }

    internal static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}

/// <summary>The real gateway (YARP) routing /api/generations to one generator, as deployed.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private GatewayHost(WebApplication app)
    {
        this.app = app;
        Http = new HttpClient { BaseAddress = GeneratorHost.AddressOf(app), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, ApiKey);
    }

    /// <summary>The API key the test gateway accepts (sent by <see cref="Http"/>).</summary>
    public const string ApiKey = "amk_generator_tests";

    public HttpClient Http { get; }

    public static async Task<GatewayHost> StartAsync(Uri generator, string dataDirectory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Gateway:ApiKeys:0:Name"] = "tests",
            ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(ApiKey),
            ["Gateway:ApiKeys:0:Scope"] = "Write",
            ["Gateway:RateLimit:PermitsPerWindow"] = "100000",
            ["ReverseProxy:Routes:generation-stream:ClusterId"] = "generator",
            ["ReverseProxy:Routes:generation-stream:Match:Path"] = "/api/generations/stream",
            ["ReverseProxy:Routes:generation-stream:TimeoutPolicy"] = "Disable",
            ["ReverseProxy:Routes:generation-stream:Order"] = "-1",
            ["ReverseProxy:Routes:generations:ClusterId"] = "generator",
            ["ReverseProxy:Routes:generations:Match:Path"] = "/api/generations/{**rest}",
            ["ReverseProxy:Clusters:generator:Destinations:d1:Address"] = generator.ToString(),
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults(GatewayServiceModule.ServiceName);
        builder.AddGatewayService();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapGatewayApi();
        await app.StartAsync();
        return new GatewayHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
