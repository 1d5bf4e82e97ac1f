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

    public string Put(ReadOnlySpan<byte> content)
    {
        var id = ArtifactId.FromHash(System.Security.Cryptography.SHA256.HashData(content));
        if (store.Exists(id)) return id.Value;
        store.Put(content);
        created.Add(id);
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
