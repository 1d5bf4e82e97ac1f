using AigcMesh.Hosting;
using AigcMesh.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AigcMesh.Evaluator.Tests.Service;

/// <summary>The evaluator service as Program.cs wires it, on a free loopback port, with test settings.</summary>
internal static class EvaluatorHost
{
    public static WebApplication Build<T>(string dataDirectory, string artifactDirectory, IDictionary<string, string?> settings, Received<T> received)
        where T : class
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "InMemory",
            ["Messaging:RabbitMqUrl"] = "",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Storage:ArtifactDirectory"] = artifactDirectory,
            ["Evaluator:DefaultSampleCount"] = "64",
            ["Evaluator:FeatureNetworkSteps"] = EvaluationData.FeatureSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Evaluator:KidSubsets"] = "5",
            ["Evaluator:KidSubsetSize"] = "64",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(EvaluatorServiceModule.ServiceName);
        builder.AddEvaluatorService();
        builder.Services.AddSingleton(received);
        builder.AddMessaging(bus =>
        {
            bus.AddEvaluatorConsumers();
            bus.AddConsumer<RecordingConsumer<T>>().Endpoint(e =>
            {
                e.Name = $"evaluator-test-{RabbitMqBroker.UniqueQueuePrefix()}";
                e.Temporary = true;
            });
        });
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapEvaluatorApi();
        return app;
    }

    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}

/// <summary>Collects the messages it consumes, so a test can wait for one that matches.</summary>
public sealed class Received<T>
    where T : class
{
    private readonly List<T> messages = [];
    private readonly SemaphoreSlim signal = new(0);

    public void Add(T message)
    {
        lock (messages) messages.Add(message);
        signal.Release();
    }

    public async Task<T> WaitFor(Func<T, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (messages)
            {
                var found = messages.FirstOrDefault(match);
                if (found is not null) return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await signal.WaitAsync(left)) throw new TimeoutException($"No matching {typeof(T).Name} within {timeout}.");
        }
    }
}

public sealed class RecordingConsumer<T>(Received<T> received) : IConsumer<T>
    where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        received.Add(context.Message);
        return Task.CompletedTask;
    }
}
