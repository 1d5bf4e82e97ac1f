namespace AigcMesh.Dataset.Tests;

/// <summary>A clock that stands still until a test moves it (timers still run on the system clock).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
