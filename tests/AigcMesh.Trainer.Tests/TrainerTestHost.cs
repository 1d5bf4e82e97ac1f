using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using AigcMesh.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Trainer.Tests;

/// <summary>A trainer service host as Program.cs builds it, on a free loopback port, with fast lease and progress timings.</summary>
public static class TrainerTestHost
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static Dictionary<string, string?> FastSettings(string dataDirectory, string artifactDirectory, string instanceId) => new()
    {
        ["Storage:DataDirectory"] = dataDirectory,
        ["Storage:ArtifactDirectory"] = artifactDirectory,
        ["Trainer:InstanceId"] = instanceId,
        ["Trainer:HeartbeatSeconds"] = "0.5",
        ["Trainer:LeaseStaleSeconds"] = "3",
        ["Trainer:SweepSeconds"] = "1",
        ["Trainer:ProgressSeconds"] = "0.2",
        ["Trainer:SnapshotSeconds"] = "1",
        ["Trainer:CheckpointSeconds"] = "600",
        ["Trainer:SlotWaitSeconds"] = "2",
        ["Trainer:TorchThreads"] = "1",
    };

    /// <summary>A trainer on MassTransit's test harness (in-memory bus that records what is published).</summary>
    public static async Task<WebApplication> StartWithHarnessAsync(Dictionary<string, string?> settings)
    {
        var builder = Create(settings);
        builder.Services.AddMassTransitTestHarness(bus => bus.AddTrainerConsumers());
        var app = Finish(builder);
        await app.StartAsync();
        return app;
    }

    /// <summary>A trainer on the real broker (Messaging:RabbitMqUrl).</summary>
    public static async Task<WebApplication> StartOnRabbitMqAsync(Dictionary<string, string?> settings)
    {
        var builder = Create(settings);
        builder.AddMessaging(bus => bus.AddTrainerConsumers());
        var app = Finish(builder);
        await app.StartAsync();
        return app;
    }

    public static HttpClient Client(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string url) =>
        (await http.GetFromJsonAsync<JsonElement>(url, Json))!;

    /// <summary>Polls a run until <paramref name="done"/> holds for it; fails with its last state after the timeout.</summary>
    public static async Task<JsonElement> WaitForRunAsync(this HttpClient http, Guid runId, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement run = default;
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync($"/api/runs/{runId}");
            if (response.IsSuccessStatusCode)
            {
                run = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
                if (done(run)) return run;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Run {runId} did not reach the expected state in {timeout}; last: {run}");
    }

    private static WebApplicationBuilder Create(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(TrainerServiceModule.ServiceName);
        builder.AddTrainerService();
        return builder;
    }

    private static WebApplication Finish(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapTrainerApi();
        return app;
    }
}
