using System.Buffers.Binary;
using System.IO.Compression;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>
/// A small real data set to upload: the first <c>count</c> images and labels of Fashion-MNIST's t10k files (Debian's
/// dataset-fashion-mnist package), re-headed and gzip'ed as an IDX pair, as a user would upload a cut of it.
/// </summary>
public static class FashionMnistSlice
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    /// <summary>(file name, gzip'ed IDX bytes) for the image file and the label file.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Cut(int count) =>
    [
        ("e2e-images-idx3-ubyte.gz", Slice(Path.Combine(Folder, "t10k-images-idx3-ubyte.gz"), count)),
        ("e2e-labels-idx1-ubyte.gz", Slice(Path.Combine(Folder, "t10k-labels-idx1-ubyte.gz"), count)),
    ];

    private static byte[] Slice(string path, int count)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The end-to-end test uploads a cut of Fashion-MNIST: install Debian's dataset-fashion-mnist ({path}).", path);
        }
        using var source = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var prefix = new byte[4];
        source.ReadExactly(prefix);
        var dimensions = new int[prefix[3]];
        var header = new byte[4 * dimensions.Length];
        source.ReadExactly(header);
        for (var i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * i));
        }
        if (count > dimensions[0])
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"{path} holds only {dimensions[0]} items.");
        }
        var itemBytes = dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
        var body = new byte[count * itemBytes];
        source.ReadExactly(body);
        BinaryPrimitives.WriteInt32BigEndian(header, count);

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(prefix);
            gzip.Write(header);
            gzip.Write(body);
        }
        return output.ToArray();
    }
}
