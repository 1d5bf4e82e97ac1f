using AigcMesh.Contracts.Training;
using AigcMesh.Gateway;
using AigcMesh.Gateway.Security;
using AigcMesh.Generator;
using AigcMesh.Generator.Registry;
using AigcMesh.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Benchmarks.Generator;

/// <summary>A generator (HTTP API and worker on the in-memory bus) and the real gateway in front of it.</summary>
internal sealed class GenerationMesh : IAsyncDisposable
{
    private const string ApiKey = "amk_generation_benchmark";
    private readonly WebApplication generator;
    private readonly WebApplication gateway;

    private GenerationMesh(WebApplication generator, WebApplication gateway)
    {
        this.generator = generator;
        this.gateway = gateway;
        Gateway = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = AddressOf(gateway), Timeout = TimeSpan.FromSeconds(120) };
        Gateway.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, ApiKey);
    }

    public HttpClient Gateway { get; }

    public static async Task<GenerationMesh> StartAsync(string dataDirectory, string artifacts, Dictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = nameof(MessagingTransport.InMemory),
            ["Storage:DataDirectory"] = dataDirectory,
            ["Storage:ArtifactDirectory"] = artifacts,
            // One console line per request in both hosts would be measured, not the generator: log requests at Warning.
            ["Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware"] = "Warning",
        };
        foreach (var (k, v) in settings) values[k] = v;
        var builder = Builder(values);
        builder.AddServiceDefaults(GeneratorServiceModule.ServiceName);
        builder.AddGeneratorService();
        builder.AddMessaging(bus => bus.AddGeneratorConsumers());
        var generator = builder.Build();
        generator.UseServiceDefaults();
        generator.MapGeneratorApi();
        await generator.StartAsync();

        var gatewayBuilder = Builder(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Path.Combine(dataDirectory, "gateway"),
            ["Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware"] = "Warning",
            ["Gateway:ApiKeys:0:Name"] = "benchmark",
            ["Gateway:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(ApiKey),
            ["Gateway:ApiKeys:0:Scope"] = "Write",
            ["Gateway:RateLimit:PermitsPerWindow"] = "1000000",
            ["ReverseProxy:Routes:generation-stream:ClusterId"] = "generator",
            ["ReverseProxy:Routes:generation-stream:Match:Path"] = "/api/generations/stream",
            ["ReverseProxy:Routes:generation-stream:TimeoutPolicy"] = "Disable",
            ["ReverseProxy:Routes:generation-stream:Order"] = "-1",
            ["ReverseProxy:Routes:generations:ClusterId"] = "generator",
            ["ReverseProxy:Routes:generations:Match:Path"] = "/api/generations/{**rest}",
            ["ReverseProxy:Clusters:generator:Destinations:d1:Address"] = AddressOf(generator).ToString(),
        });
        gatewayBuilder.AddServiceDefaults(GatewayServiceModule.ServiceName);
        gatewayBuilder.AddGatewayService();
        var gateway = gatewayBuilder.Build();
        gateway.UseServiceDefaults();
        gateway.MapGatewayApi();
        await gateway.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await generator.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, timeout.Token);
        return new GenerationMesh(generator, gateway);
    }

    public async Task RegisterAsync(ModelRegistered model)
    {
        await generator.Services.GetRequiredService<IBus>().Publish(model);
        var registry = generator.Services.GetRequiredService<ModelRegistry>();
        while (await registry.FindAsync(model.ModelId, CancellationToken.None) is null) await Task.Delay(20);
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await gateway.StopAsync();
        await generator.StopAsync();
        await gateway.DisposeAsync();
        await generator.DisposeAsync();
    }

    private static WebApplicationBuilder Builder(Dictionary<string, string?> values)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(values);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
