using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace AigcMesh.Storage;

/// <summary>
/// One artifact being written (from <see cref="ArtifactStore.CreateWriter"/>): bytes are gathered in blocks of
/// <see cref="BlockSize"/>, and each full block is hashed and written to a temporary file in the store on a
/// background task while the caller fills the next one (double buffering: one pass, overlapped with the producer);
/// every <see cref="SyncEvery"/> bytes the file is flushed to disk there too, so <see cref="Commit"/> has little
/// left to flush before it renames the file to its SHA-256. Disposing an uncommitted writer deletes the file.
/// Not thread-safe: one producer.
/// </summary>
public sealed class ArtifactWriter : IDisposable
{
    public const int BlockSize = 1 << 20;
    public const long SyncEvery = 8L << 20;

    private readonly ArtifactStore store;
    private readonly string tempPath;
    private readonly FileStream file;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] block = new byte[BlockSize];
    private byte[]? spare;
    private Task pending = Task.CompletedTask;
    private long unsynced;
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
            if (filled == BlockSize) StartBlock();
        }
    }

    /// <summary>Flushes the file to disk and stores it under its hash. <c>Created</c> is false when the same bytes were already stored.</summary>
    public (ArtifactId Id, bool Created) Commit()
    {
        ObjectDisposedException.ThrowIf(finished, this);
        pending.GetAwaiter().GetResult();
        WriteBlock(block, filled, sync: false);
        filled = 0;
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
            try
            {
                pending.Wait();
            }
            catch (AggregateException)
            {
                // The write that failed was reported to the producer, or the writer is being abandoned anyway.
            }
            file.Dispose();
            File.Delete(tempPath);
        }
        hash.Dispose();
    }

    /// <summary>Hands the full block to the background task (after the previous one is done) and carries on in the other buffer.</summary>
    private void StartBlock()
    {
        pending.GetAwaiter().GetResult();
        var full = block;
        var length = filled;
        block = spare ?? new byte[BlockSize];
        spare = full;
        filled = 0;
        pending = Task.Run(() => WriteBlock(full, length, sync: true));
    }

    private void WriteBlock(byte[] bytes, int length, bool sync)
    {
        if (length == 0) return;
        hash.AppendData(bytes, 0, length);
        file.Write(bytes, 0, length);
        unsynced += length;
        if (sync && unsynced >= SyncEvery)
        {
            file.Flush(flushToDisk: true);
            unsynced = 0;
        }
    }
}
