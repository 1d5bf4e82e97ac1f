using System.Buffers.Binary;
using System.IO.Compression;
using AigcMesh.Datasets.Importing;
using SkiaSharp;

namespace AigcMesh.Datasets.Tests.Importing;

/// <summary>Builds real source files for importer tests: IDX files, encoded images, zips, text.</summary>
public static class TestFiles
{
    public const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    public const string Fortunes = "/usr/share/games/fortunes";

    public static byte[] Idx(int[] dimensions, byte[] body)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + body.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dimensions.Length;
        for (var d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        body.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    public static (byte[] Images, byte[] Labels, byte[] Pixels, byte[] LabelValues) IdxPair(int count, int size = 8, int classes = 3)
    {
        var pixels = new byte[count * size * size];
        new Random(5).NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray();
        return (Idx([count, size, size], pixels), Idx([count], labels), pixels, labels);
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    public static SourceFile InMemory(string name, byte[] bytes) => new(name, bytes.Length, () => new MemoryStream(bytes, writable: false));

    /// <summary>A w x h image of one colour with a lighter square, encoded as PNG or JPEG, with or without alpha or colour.</summary>
    public static byte[] Image(int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png, SKColorType colorType = SKColorType.Rgba8888)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, colorType == SKColorType.Gray8 ? SKAlphaType.Opaque : SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawRect(width / 4f, height / 4f, width / 2f, height / 2f, paint);
        }
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>Writes files (relative path -> bytes) under a folder.</summary>
    public static void WriteTree(string root, IEnumerable<(string Path, byte[] Bytes)> files)
    {
        foreach (var (path, bytes) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
    }

    public static byte[] Zip(IEnumerable<(string Path, byte[] Bytes)> files, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create))
        {
            foreach (var (path, bytes) in files)
            {
                using var entry = zip.CreateEntry(path, level).Open();
                entry.Write(bytes);
            }
        }
        return output.ToArray();
    }

    /// <summary>Two classes (cats: 3 images, dogs: 2) of PNG and JPEG, of different sizes, colour, gray and with alpha.</summary>
    public static List<(string Path, byte[] Bytes)> PetFolder(string root = "") =>
    [
        ($"{root}cats/a.png", Image(40, 30, SKColors.Red)),
        ($"{root}cats/b.jpg", Image(64, 64, SKColors.Green, SKEncodedImageFormat.Jpeg)),
        ($"{root}cats/c.png", Image(20, 20, SKColors.Gray, colorType: SKColorType.Gray8)),
        ($"{root}dogs/d.jpeg", Image(100, 50, SKColors.Blue, SKEncodedImageFormat.Jpeg)),
        ($"{root}dogs/e.png", Image(16, 16, SKColors.Transparent)),
    ];
}
