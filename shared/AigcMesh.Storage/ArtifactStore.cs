using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace AigcMesh.Storage;

/// <summary>
/// A directory tree of content-addressed, write-once files, shared by every service (a shared volume under
/// docker compose). A file is written to a temporary name in the same tree while it is hashed, then renamed
/// to its hash: readers never see a partial file, and the same bytes stored twice are kept once.
/// Only this class builds paths, from validated <see cref="ArtifactId"/>s.
/// </summary>
public sealed class ArtifactStore
{
    private readonly string root;
    private readonly string temp;

    public ArtifactStore(string root)
    {
        this.root = Path.GetFullPath(root);
        temp = Path.Combine(this.root, "tmp");
        Directory.CreateDirectory(temp);
    }

    /// <summary>Stores the stream's bytes and returns their id. Stops at <paramref name="maxBytes"/> when given.</summary>
    public async Task<ArtifactId> PutAsync(Stream content, long? maxBytes = null, CancellationToken cancellationToken = default)
    {
        var tempPath = Path.Combine(temp, $"{Guid.NewGuid():N}.part");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (maxBytes is { } limit && total > limit)
                    {
                        throw new ArtifactTooLargeException(limit);
                    }
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            var id = ArtifactId.FromHash(hash.GetHashAndReset());
            Commit(tempPath, id);
            return id;
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    /// <summary>Stores bytes already in memory.</summary>
    public ArtifactId Put(ReadOnlySpan<byte> content)
    {
        var id = ArtifactId.FromHash(SHA256.HashData(content));
        if (Exists(id)) return id;
        var tempPath = Path.Combine(temp, $"{Guid.NewGuid():N}.part");
        try
        {
            using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }
            Commit(tempPath, id);
            return id;
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    /// <summary>
    /// Stores a file that a writer produces through <paramref name="write"/> (for large outputs such as
    /// shards and checkpoints that are written by a library to a stream).
    /// </summary>
    public async Task<ArtifactId> PutAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        var tempPath = Path.Combine(temp, $"{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            ArtifactId id;
            await using (var read = new FileStream(tempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                id = ArtifactId.FromHash(await SHA256.HashDataAsync(read, cancellationToken));
            }
            Commit(tempPath, id);
            return id;
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    /// <summary>
    /// Starts an artifact that is written piece by piece and hashed while it is written (no second pass over its
    /// bytes); <see cref="ArtifactWriter.Commit"/> names it by its hash, disposing without a commit removes it.
    /// </summary>
    public ArtifactWriter CreateWriter() => new(this, Path.Combine(temp, $"{Guid.NewGuid():N}.part"));

    public bool Exists(ArtifactId id) => File.Exists(PathOf(id));

    public long Length(ArtifactId id) => new FileInfo(PathOf(id)).Length;

    /// <summary>Opens an artifact for reading; throws <see cref="ArtifactNotFoundException"/> when it is not stored.</summary>
    public Stream OpenRead(ArtifactId id)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) throw new ArtifactNotFoundException(id);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    /// <summary>Maps an artifact read-only into memory, for readers of fixed-size records (dataset shards).</summary>
    public MemoryMappedFile MapRead(ArtifactId id)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) throw new ArtifactNotFoundException(id);
        return MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
    }

    /// <summary>Deletes an artifact; deleting one that is not there is not an error.</summary>
    public void Delete(ArtifactId id) => File.Delete(PathOf(id));

    /// <summary>Temporary files left by a crashed writer, for a janitor to remove.</summary>
    public IEnumerable<string> PendingTemporaryFiles() => Directory.EnumerateFiles(temp, "*.part");

    /// <summary>Renames a written temporary file to its id; false when the same bytes were already stored.</summary>
    internal bool Commit(string tempPath, ArtifactId id)
    {
        var final = PathOf(id);
        if (File.Exists(final)) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        try
        {
            File.Move(tempPath, final, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(final))
        {
            // Another writer stored the same bytes first: content addressing makes both copies equal.
            return false;
        }
    }

    private string PathOf(ArtifactId id) => Path.Combine(root, id.Value[..2], id.Value[2..]);
}

public sealed class ArtifactNotFoundException(ArtifactId id) : Exception($"Artifact {id} is not in the store.")
{
    public ArtifactId Id { get; } = id;
}

public sealed class ArtifactTooLargeException(long limit) : Exception($"The content is larger than the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}
