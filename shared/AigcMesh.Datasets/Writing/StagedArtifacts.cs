using AigcMesh.Storage;

namespace AigcMesh.Datasets.Writing;

/// <summary>
/// The artifacts one import adds to the store. Until <see cref="Commit"/>, disposing deletes the ones this import
/// created (not those that were already stored, which another data set may use), so a failed import leaves nothing.
/// </summary>
public sealed class StagedArtifacts(ArtifactStore store) : IDisposable
{
    private readonly List<ArtifactId> created = [];
    private bool committed;

    public ArtifactStore Store => store;

    /// <summary>Stores bytes already in memory (hashed once, while they are written).</summary>
    public string Put(ReadOnlySpan<byte> content)
    {
        using var writer = store.CreateWriter();
        writer.Write(content);
        return Commit(writer);
    }

    /// <summary>Commits an artifact written piece by piece (hashed while it was written).</summary>
    public string Commit(ArtifactWriter writer)
    {
        var (id, created) = writer.Commit();
        if (created) this.created.Add(id);
        return id.Value;
    }

    /// <summary>Records an artifact that was stored by someone else for this import (an upload) so it is removed on failure.</summary>
    public void Adopt(ArtifactId id) => created.Add(id);

    public void Commit() => committed = true;

    public void Dispose()
    {
        if (committed) return;
        foreach (var id in created) store.Delete(id);
        created.Clear();
    }
}
