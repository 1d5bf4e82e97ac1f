namespace AigcMesh.Trainer.Runs;

public enum StopKind
{
    None,

    /// <summary>A user (or the pipeline) cancelled the run: it ends with TrainingCancelled.</summary>
    Cancelled,

    /// <summary>This trainer is shutting down: checkpoint, release the lease, hand the run back to the queue.</summary>
    Shutdown,

    /// <summary>Another trainer superseded this one's lease: stop at once, write and publish nothing.</summary>
    LeaseLost,
}

/// <summary>How the loop of one run is told to stop, from any thread; the first reason given wins.</summary>
public sealed class RunControl
{
    private int _kind;

    public StopKind Kind => (StopKind)Volatile.Read(ref _kind);
    public string Reason { get; private set; } = "";
    public bool IsStopped => Kind != StopKind.None;

    public bool Stop(StopKind kind, string reason)
    {
        if (Interlocked.CompareExchange(ref _kind, (int)kind, (int)StopKind.None) != (int)StopKind.None) return false;
        Reason = reason;
        return true;
    }
}
