using System.Diagnostics;
using System.Net;
using AigcMesh.Testing;

namespace AigcMesh.Embedded.Tests;

public sealed class The_embedded_host : IDisposable
{
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Starts_every_service_ready_behind_the_gateway_and_stops_within_seconds()
    {
        var mesh = await EmbeddedMesh.StartAsync([], new Dictionary<string, string?>
        {
            ["Embedded:DataDirectory"] = data.Path,
            ["Embedded:GatewayUrl"] = "http://127.0.0.1:0",
            ["Embedded:BackendUrl"] = "http://127.0.0.1:0",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = mesh.GatewayAddress };
            foreach (var service in new[] { "dataset", "trainer", "generator", "evaluator" })
            {
                var ready = await http.GetAsync($"/services/{service}/health/ready");
                Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{service}: {await ready.Content.ReadAsStringAsync()}");
                Assert.Contains($"\"{service}-database\":{{\"status\":\"Healthy\"", await ready.Content.ReadAsStringAsync());
            }
            var gateway = await http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, gateway.StatusCode);
            Assert.True(File.Exists(Path.Combine(data.Path, "trainer.db")));
        }
        finally
        {
            var stopwatch = Stopwatch.StartNew();
            await mesh.DisposeAsync();
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopwatch.Elapsed}");
        }
    }

    public void Dispose() => data.Dispose();
}
