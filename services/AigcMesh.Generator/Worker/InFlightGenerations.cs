using System.Collections.Concurrent;

namespace AigcMesh.Generator.Worker;

/// <summary>The generations this worker is running, so a CancelGeneration can stop one whose caller left.</summary>
public sealed class InFlightGenerations
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();
    private readonly ConcurrentDictionary<Guid, long> cancelledBeforeStart = new();

    /// <summary>A token cancelled by <see cref="Cancel"/> or by <paramref name="linked"/>; dispose the lease when done.</summary>
    public Lease Start(Guid generationId, CancellationToken linked)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(linked);
        running[generationId] = source;
        if (cancelledBeforeStart.TryRemove(generationId, out _)) source.Cancel();
        return new Lease(this, generationId, source);
    }

    public bool Cancel(Guid generationId)
    {
        if (!running.TryGetValue(generationId, out var source))
        {
            // The cancel overtook the request: remember it for a minute.
            var now = Environment.TickCount64;
            foreach (var old in cancelledBeforeStart.Where(e => now - e.Value > 60_000)) cancelledBeforeStart.TryRemove(old);
            cancelledBeforeStart[generationId] = now;
            return false;
        }
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        return true;
    }

    public sealed class Lease(InFlightGenerations owner, Guid generationId, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            owner.running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(generationId, source));
            source.Dispose();
        }
    }
}
