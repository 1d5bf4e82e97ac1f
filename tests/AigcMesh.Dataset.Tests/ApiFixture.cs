using System.Collections.Concurrent;
using AigcMesh.Contracts.Datasets;
using MassTransit;

namespace AigcMesh.Dataset.Tests;

/// <summary>One dataset service for the API tests (in-memory bus, an 8 MiB upload limit), plus a recorder of the facts it publishes.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public DatasetHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await DatasetHost.StartAsync(DatasetHost.Bus.InMemory, new Dictionary<string, string?> { ["Dataset:MaxUploadBytes"] = (8 << 20).ToString() },
            moreConsumers: b => b.AddConsumer<DeletedRecorder>());

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Records DatasetDeleted facts as a subscriber on its own queue would see them.</summary>
public sealed class DeletedRecorder : IConsumer<DatasetDeleted>
{
    public static ConcurrentQueue<DatasetDeleted> Seen { get; } = new();

    public Task Consume(ConsumeContext<DatasetDeleted> context)
    {
        Seen.Enqueue(context.Message);
        return Task.CompletedTask;
    }
}
