using System.Net;
using System.Net.Sockets;
using AigcMesh.Gateway.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace AigcMesh.Gateway.Tests.OpenApi;

/// <summary>A service whose document cannot be fetched leaves its part out and says so; the rest is still merged.</summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class The_document_with_a_service_down(GatewayMesh mesh)
{
    [Fact]
    public async Task Names_the_missing_service_and_keeps_the_others()
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddHttpClient()
            .Configure<GatewayOptions>(o => o.OpenApi.FetchTimeout = TimeSpan.FromSeconds(2))
            .AddSingleton<UpstreamDocumentFetcher>()
            .BuildServiceProvider();
        var fetcher = services.GetRequiredService<UpstreamDocumentFetcher>();

        var trainer = new UpstreamApi("trainer", ["/api/runs/{**rest}"], [mesh.Mesh.BackendAddress.ToString()]);
        var evaluator = new UpstreamApi("evaluator", ["/api/pipelines/{**rest}"], [$"http://127.0.0.1:{UnusedPort()}/"]);
        var fetched = new[] { await fetcher.FetchAsync(trainer, CancellationToken.None), await fetcher.FetchAsync(evaluator, CancellationToken.None) };
        Assert.NotNull(fetched[0].Document);
        Assert.Null(fetched[1].Document);
        Assert.NotNull(fetched[1].Failure);

        var conflicts = new List<string>();
        var merged = OpenApiDocumentMerger.Merge(fetched, conflicts);
        Assert.Empty(conflicts);
        Assert.Contains("/api/runs", merged.Paths.Keys);
        Assert.All(merged.Paths.Keys, p => Assert.StartsWith("/api/runs", p));
        Assert.Contains("evaluator", merged.Info.Description);
        Assert.Contains(OpenApiDocumentMerger.MissingExtension, merged.Extensions!.Keys);
        var json = OpenApiDocumentMerger.JsonOf(merged);
        Assert.Contains("\"service\":\"evaluator\"", json);
        Assert.DoesNotContain("/api/pipelines", json.Replace("/api/pipelines/{**rest}", "", StringComparison.Ordinal));
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
