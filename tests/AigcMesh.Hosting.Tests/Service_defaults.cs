using System.Net;
using System.Text.Json;
using AigcMesh.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Hosting.Tests;

public sealed class Service_defaults : IDisposable
{
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Ready_reports_the_bus_and_the_database_and_the_schema_is_created_on_start()
    {
        await using var app = TestServiceHost.Build("probe", data.Path, MessagingTransport.InMemory, null, _ => { },
            b => b.AddServiceDatabase<ProbeDbContext>("probe.db"));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = Address(app) };

        var ready = await Eventually(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");

        Assert.Equal("Healthy", checks.GetProperty("probe-database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(data.Path, "probe.db")));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ProbeDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Probes.CountAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Replicas_starting_at_once_on_one_database_file_all_start_and_share_one_schema()
    {
        // Replicas of a service share one database file (trainers on one volume); each creates the schema on start.
        var apps = Enumerable.Range(0, 4).Select(_ => TestServiceHost.Build("probe", data.Path, MessagingTransport.InMemory, null, _ => { },
            b => b.AddServiceDatabase<ProbeDbContext>("shared.db"))).ToList();
        try
        {
            await Task.WhenAll(apps.Select(a => Task.Run(() => a.StartAsync())));
            foreach (var app in apps)
            {
                await using var db = await app.Services.GetRequiredService<IDbContextFactory<ProbeDbContext>>().CreateDbContextAsync();
                Assert.Equal(0, await db.Probes.CountAsync());
            }
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_correlation_id_is_passed_through_or_created_and_returned()
    {
        await using var app = TestServiceHost.Build("probe", data.Path, MessagingTransport.InMemory, null, _ => { });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = Address(app) };

        var given = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add(CorrelationIdMiddleware.Header, given);
        var passed = await http.SendAsync(request);
        var created = await http.GetAsync("/health/live");

        Assert.Equal(given, passed.Headers.GetValues(CorrelationIdMiddleware.Header).Single());
        Assert.True(Guid.TryParse(created.Headers.GetValues(CorrelationIdMiddleware.Header).Single(), out _));
        await app.StopAsync();
    }

    [Fact]
    public async Task Unknown_routes_answer_404_with_problem_details_and_metrics_are_exported()
    {
        await using var app = TestServiceHost.Build("probe", data.Path, MessagingTransport.InMemory, null, _ => { });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = Address(app) };

        var missing = await http.GetAsync("/api/nothing-here");
        var metrics = await http.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("http_requests_received_total", metrics);
        await app.StopAsync();
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static async Task<HttpResponseMessage> Eventually(Func<Task<HttpResponseMessage>> call, Func<HttpResponseMessage, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await call();
            if (done(response) || DateTime.UtcNow > deadline) return response;
            await Task.Delay(100);
        }
    }

    public void Dispose() => data.Dispose();
}

public sealed class ProbeDbContext(DbContextOptions<ProbeDbContext> options) : DbContext(options)
{
    public DbSet<Probe> Probes => Set<Probe>();
}

public sealed class Probe
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}
