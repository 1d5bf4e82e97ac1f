using System.Diagnostics;
using Xunit.Abstractions;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>
/// The multi-process end-to-end run (trait Category=EndToEnd, a step of its own in .ci/run): every service started
/// from its build output as its own process against a real RabbitMQ, driven over HTTP through the gateway.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class The_stack_as_separate_processes(ITestOutputHelper output) : IAsyncLifetime
{
    private Broker broker = null!;
    private Mesh mesh = null!;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public async Task InitializeAsync()
    {
        broker = await Broker.StartAsync();
        Log($"broker {broker.Node} ({(broker.IsPrivate ? "private" : "given")}), virtual host {broker.VirtualHost}");
        mesh = await Mesh.StartAsync(broker);
        Log("all six processes ready");
    }

    [Fact]
    public async Task Serves_every_service_through_the_gateway_and_reconnects_after_a_broker_restart()
    {
        foreach (var service in new[] { "dataset", "trainer", "generator", "evaluator" })
        {
            var ready = await mesh.GetJsonAsync($"/services/{service}/health/ready");
            Assert.Equal("Healthy", ready["status"]!.GetValue<string>());
        }
        var processes = mesh.Services.Select(s => s.ProcessId).ToHashSet();
        Assert.Equal(6, processes.Count);
        // One bus connection per back-end process (the gateway has no bus).
        Assert.Equal(5, await broker.ConnectionCountAsync());

        await broker.RestartAsync(TimeSpan.FromSeconds(2));
        Log("broker restarted");
        await mesh.WaitAllReadyAsync(TimeSpan.FromSeconds(60));
        Log("every service reconnected");
        await mesh.WaitForAsync("five bus connections again", broker.ConnectionCountAsync, n => n == 5, TimeSpan.FromSeconds(30));
        Assert.All(mesh.Services, s => Assert.False(s.HasExited, s.Name));
    }

    private void Log(string message) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {message}");

    public async Task DisposeAsync()
    {
        if (mesh is not null)
        {
            output.WriteLine(mesh.Logs());
            await mesh.DisposeAsync();
        }
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }
    }
}
