using AigcMesh.Datasets.Writing;

namespace AigcMesh.Dataset.Importing;

/// <summary>Keeps the latest progress an importer reported (from its worker thread) for a loop that relays it at a steady pace.</summary>
internal sealed class LatestProgress : IProgress<ImportProgress>
{
    private ImportProgress? latest;
    private ImportProgress? relayed;

    public void Report(ImportProgress value) => Volatile.Write(ref latest, value);

    public bool TryTake(out ImportProgress progress)
    {
        progress = Volatile.Read(ref latest)!;
        if (progress is null || ReferenceEquals(progress, relayed)) return false;
        relayed = progress;
        return true;
    }
}
