using System.Net;
using System.Net.Sockets;
using AigcMesh.HealthProbe;

namespace AigcMesh.Deployment.Tests;

public sealed class The_container_health_probe : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly string prefix;

    public The_container_health_probe()
    {
        prefix = $"http://127.0.0.1:{FreePort()}/";
        listener.Prefixes.Add(prefix);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception)
                {
                    return;
                }
                context.Response.StatusCode = context.Request.Url!.AbsolutePath == "/health/ready" ? 200 : 503;
                context.Response.Close();
            }
        });
    }

    [Fact]
    public async Task Exits_0_when_the_service_answers_2xx()
    {
        Assert.Equal(0, await Probe.RunAsync([prefix + "health/ready"], TextWriter.Null));
    }

    [Fact]
    public async Task Exits_1_when_the_service_answers_503_and_says_so()
    {
        var error = new StringWriter();
        Assert.Equal(1, await Probe.RunAsync([prefix + "health/other"], error));
        Assert.Contains("503", error.ToString());
    }

    [Fact]
    public async Task Exits_1_when_nothing_listens()
    {
        Assert.Equal(1, await Probe.RunAsync([$"http://127.0.0.1:{FreePort()}/health/ready"], TextWriter.Null, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Exits_2_on_a_url_that_is_not_http()
    {
        Assert.Equal(2, await Probe.RunAsync(["file:///etc/passwd"], TextWriter.Null));
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose() => listener.Close();
}
