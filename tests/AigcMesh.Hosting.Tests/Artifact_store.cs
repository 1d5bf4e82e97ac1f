using System.Security.Cryptography;
using AigcMesh.Storage;
using AigcMesh.Testing;

namespace AigcMesh.Hosting.Tests;

public sealed class Artifact_store : IDisposable
{
    private readonly TempDirectory root = new();

    [Fact]
    public async Task Content_is_named_by_its_SHA256_and_stored_once()
    {
        var store = new ArtifactStore(root.Path);
        var bytes = RandomNumberGenerator.GetBytes(200_000);

        var first = await store.PutAsync(new MemoryStream(bytes));
        var second = store.Put(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), first.Value);
        Assert.Equal(first, second);
        await using var read = store.OpenRead(first);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Single(Directory.EnumerateFiles(root.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_write_past_the_size_limit_leaves_nothing_behind()
    {
        var store = new ArtifactStore(root.Path);

        await Assert.ThrowsAsync<ArtifactTooLargeException>(() => store.PutAsync(new MemoryStream(new byte[10_000]), maxBytes: 1_000));

        Assert.Empty(Directory.EnumerateFiles(root.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_writer_that_fails_leaves_nothing_behind()
    {
        var store = new ArtifactStore(root.Path);

        await Assert.ThrowsAsync<InvalidDataException>(() => store.PutAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[100], ct);
            throw new InvalidDataException("writer broke");
        }));

        Assert.Empty(Directory.EnumerateFiles(root.Path, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abc")]
    [InlineData("")]
    public void Only_64_lowercase_hex_digits_name_an_artifact(string text)
    {
        Assert.False(ArtifactId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ArtifactId.Parse(text));
    }

    [Fact]
    public void Reading_a_missing_artifact_says_so()
    {
        var store = new ArtifactStore(root.Path);
        var id = ArtifactId.FromHash(SHA256.HashData("nothing"u8));

        Assert.False(store.Exists(id));
        Assert.Throws<ArtifactNotFoundException>(() => store.OpenRead(id));
    }

    [Fact]
    public void Stored_shards_can_be_memory_mapped()
    {
        var store = new ArtifactStore(root.Path);
        var id = store.Put([1, 2, 3, 4]);

        using var map = store.MapRead(id);
        using var view = map.CreateViewAccessor(0, 4, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.Read);

        Assert.Equal(3, view.ReadByte(2));
    }

    public void Dispose() => root.Dispose();
}
