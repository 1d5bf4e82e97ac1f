using AigcMesh.Contracts.Training;
using AigcMesh.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AigcMesh.Hosting.Tests;

[Collection(RabbitMqCollection.Name)]
public sealed class Two_services_exchange_messages(RabbitMqBroker broker) : IDisposable
{
    private readonly TempDirectory data = new();

    [Fact]
    public async Task Over_the_real_RabbitMQ_broker()
    {
        var queue = $"{RabbitMqBroker.UniqueQueuePrefix()}-training-failed";
        var received = new Received<TrainingFailed>();
        await using var consumerService = TestServiceHost.Build("consumer", Path.Combine(data.Path, "b"), MessagingTransport.RabbitMq, broker.Url,
            bus => bus.AddConsumer<RecordingConsumer<TrainingFailed>>().Endpoint(e => e.Name = queue),
            b => b.Services.AddSingleton(received));
        await using var publisherService = TestServiceHost.Build("publisher", Path.Combine(data.Path, "a"), MessagingTransport.RabbitMq, broker.Url, _ => { });
        await consumerService.StartAsync();
        await publisherService.StartAsync();
        await WaitForBus(consumerService);
        await WaitForBus(publisherService);

        var sent = new TrainingFailed(Guid.NewGuid(), Guid.NewGuid(), "over rabbitmq");
        await publisherService.Services.GetRequiredService<IBus>().Publish(sent);

        Assert.Equal(sent, await received.First(TimeSpan.FromSeconds(30)));
        await publisherService.StopAsync();
        await consumerService.StopAsync();
    }

    [Fact]
    public async Task Over_the_in_memory_transport()
    {
        var received = new Received<TrainingFailed>();
        // Both "services" share one in-process bus, as they do in the embedded host.
        await using var host = TestServiceHost.Build("embedded", data.Path, MessagingTransport.InMemory, null,
            bus => bus.AddConsumer<RecordingConsumer<TrainingFailed>>(),
            b => b.Services.AddSingleton(received));
        await host.StartAsync();
        await WaitForBus(host);

        var sent = new TrainingFailed(Guid.NewGuid(), Guid.NewGuid(), "in memory");
        await host.Services.GetRequiredService<IBus>().Publish(sent);

        Assert.Equal(sent, await received.First(TimeSpan.FromSeconds(10)));
        await host.StopAsync();
    }

    private static async Task WaitForBus(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, timeout.Token);
    }

    public void Dispose() => data.Dispose();
}
