using System.Collections.Concurrent;
using System.Threading.Channels;
using AigcMesh.Contracts.Generation;
using MassTransit;

namespace AigcMesh.Generator.Api;

/// <summary>
/// Routes the <see cref="GenerationTokenProduced"/> pieces that workers send to this instance's bus address to the
/// SSE response waiting for them (by generation id).
/// </summary>
public sealed class TokenStreams
{
    private readonly ConcurrentDictionary<Guid, Channel<GenerationTokenProduced>> streams = new();

    public ChannelReader<GenerationTokenProduced> Open(Guid generationId)
    {
        var channel = Channel.CreateUnbounded<GenerationTokenProduced>(new UnboundedChannelOptions { SingleReader = true });
        streams[generationId] = channel;
        return channel.Reader;
    }

    public void Close(Guid generationId)
    {
        if (streams.TryRemove(generationId, out var channel)) channel.Writer.TryComplete();
    }

    public void Deliver(GenerationTokenProduced piece)
    {
        if (streams.TryGetValue(piece.GenerationId, out var channel)) channel.Writer.TryWrite(piece);
    }
}

/// <summary>Connects <see cref="TokenStreams"/> to the bus endpoint (the address request-client responses come to).</summary>
public sealed class TokenStreamsConnector(IBus bus, TokenStreams streams) : IHostedService
{
    private ConnectHandle? handle;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        handle = bus.ConnectHandler<GenerationTokenProduced>(context =>
        {
            streams.Deliver(context.Message);
            return Task.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        handle?.Disconnect();
        return Task.CompletedTask;
    }
}
