using System.Collections.Concurrent;
using System.Threading.Channels;

namespace AigcMesh.Trainer.Registry;

/// <summary>Relays a run's facts, as this instance receives them, to the SSE streams watching it.</summary>
public sealed class RunEventHub
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Channel<RunEvent>>> _watchers = new();

    public (Guid Token, ChannelReader<RunEvent> Reader) Watch(Guid runId)
    {
        var channel = Channel.CreateBounded<RunEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        var token = Guid.NewGuid();
        _watchers.GetOrAdd(runId, _ => new())[token] = channel;
        return (token, channel.Reader);
    }

    public void Unwatch(Guid runId, Guid token)
    {
        if (_watchers.TryGetValue(runId, out var set)) set.TryRemove(token, out _);
    }

    public void Publish(Guid runId, string type, object data)
    {
        if (!_watchers.TryGetValue(runId, out var set)) return;
        foreach (var channel in set.Values) channel.Writer.TryWrite(new RunEvent(type, data));
    }
}

public sealed record RunEvent(string Type, object Data)
{
    public bool IsTerminal => Type is "completed" or "failed" or "cancelled";
}
