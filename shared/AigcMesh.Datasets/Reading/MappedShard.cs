using System.IO.MemoryMappedFiles;
using AigcMesh.Storage;

namespace AigcMesh.Datasets.Reading;

/// <summary>A read-only memory map of one shard artifact, checked against the length its manifest gives.</summary>
internal sealed unsafe class MappedShard : IDisposable
{
    private readonly MemoryMappedFile? file;
    private readonly MemoryMappedViewAccessor? view;
    private readonly byte* start;

    public MappedShard(ArtifactStore store, string artifactId, long expectedLength)
    {
        var id = ArtifactId.Parse(artifactId);
        var length = store.Length(id);
        if (length != expectedLength)
        {
            throw new InvalidDataException($"Shard {artifactId} holds {length} bytes; its manifest says {expectedLength}.");
        }
        Length = length;
        if (length == 0) return;
        file = store.MapRead(id);
        view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = pointer + view.PointerOffset;
    }

    public long Length { get; }

    public ReadOnlySpan<byte> Bytes(long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > Length) throw new ArgumentOutOfRangeException(nameof(offset));
        return count == 0 ? [] : new ReadOnlySpan<byte>(start + offset, count);
    }

    public void Dispose()
    {
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
        }
        file?.Dispose();
    }
}
