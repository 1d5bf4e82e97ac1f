using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace AigcMesh.Storage;

/// <summary>
/// One artifact being written (from <see cref="ArtifactStore.CreateWriter"/>): bytes are gathered in blocks of
/// <see cref="BlockSize"/>, and each full block is hashed and written to a temporary file in the store at once, on
/// the caller's thread (one pass; handing blocks to another thread cost more than it saved on a loaded 2-core
/// machine, where every hand-over waits to be scheduled). <see cref="Commit"/> flushes the file to disk and renames
/// it to its SHA-256. Disposing an uncommitted writer deletes the temporary file. Not thread-safe: one producer.
/// </summary>
public sealed class ArtifactWriter : IDisposable
{
    public const int BlockSize = 1 << 20;

    private readonly ArtifactStore store;
    private readonly string tempPath;
    private readonly FileStream file;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] block = new byte[BlockSize];
    private int filled;
    private bool finished;

    internal ArtifactWriter(ArtifactStore store, string tempPath)
    {
        this.store = store;
        this.tempPath = tempPath;
        file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
    }

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        Length += bytes.Length;
        while (bytes.Length > 0)
        {
            var take = Math.Min(bytes.Length, BlockSize - filled);
            bytes[..take].CopyTo(block.AsSpan(filled));
            filled += take;
            bytes = bytes[take..];
            if (filled == BlockSize) WriteBlock();
        }
    }

    /// <summary>Flushes the file to disk and stores it under its hash. <c>Created</c> is false when the same bytes were already stored.</summary>
    public (ArtifactId Id, bool Created) Commit()
    {
        ObjectDisposedException.ThrowIf(finished, this);
        WriteBlock();
        file.Flush(flushToDisk: true);
        file.Dispose();
        finished = true;
        var id = ArtifactId.FromHash(hash.GetHashAndReset());
        try
        {
            return (id, store.Commit(tempPath, id));
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    public void Dispose()
    {
        if (!finished)
        {
            finished = true;
            file.Dispose();
            File.Delete(tempPath);
        }
        hash.Dispose();
    }

    private void WriteBlock()
    {
        if (filled == 0) return;
        hash.AppendData(block, 0, filled);
        file.Write(block, 0, filled);
        filled = 0;
    }
}
